#include "train/train_step.h"

#include <cmath>

namespace genrec {

torch::Tensor smoothed_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels,
                                     double smoothing, bool reduce) {
  auto log_p = torch::log_softmax(logits, /*dim=*/1);
  auto nll = -log_p.gather(/*dim=*/1, labels.unsqueeze(/*dim=*/1)).squeeze(/*dim=*/1);
  if (smoothing <= 0) return reduce ? nll.mean() : nll;
  // ref: Szegedy et al. 2016; the same as torch.nn.CrossEntropyLoss(label_smoothing=s).
  auto uniform = -log_p.mean(/*dim=*/1);
  auto per_window = (1.0 - smoothing) * nll + smoothing * uniform;
  return reduce ? per_window.mean() : per_window;
}

LossOptions loss_options(const TrainOptions& options) {
  return LossOptions{options.label_smoothing, options.consistency_weight,
                     options.lowpass_teacher_weight};
}

namespace {

// KL(p || q) of each row, from log-probabilities.
torch::Tensor kl_rows(const torch::Tensor& log_p, const torch::Tensor& log_q) {
  return (log_p.exp() * (log_p - log_q)).sum(/*dim=*/1);
}

}  // namespace

torch::Tensor js_divergence(const torch::Tensor& logits_a, const torch::Tensor& logits_b) {
  auto log_a = torch::log_softmax(logits_a, /*dim=*/1);
  auto log_b = torch::log_softmax(logits_b, /*dim=*/1);
  // log of the mixture m = (a + b) / 2, computed in log space
  auto log_m = torch::logsumexp(torch::stack({log_a, log_b}), /*dim=*/0) - std::log(2.0);
  return (0.5 * (kl_rows(log_a, log_m) + kl_rows(log_b, log_m))).mean();
}

torch::Tensor kl_from_teacher(const torch::Tensor& teacher_logits,
                              const torch::Tensor& student_logits) {
  return kl_rows(torch::log_softmax(teacher_logits.detach(), /*dim=*/1),
                 torch::log_softmax(student_logits, /*dim=*/1))
      .sum();
}

namespace {

// KL(teacher || window) summed over the batch's band-limited windows, both through the network
// as `predict` runs it (evaluation mode: batch norm's running statistics, no dropout), so the
// two differ by the band limiting alone: the full-band views without gradient, the
// band-limited windows with it. Leaves the network in the mode it was in.
torch::Tensor teacher_divergence(GenreCnn& net, TrainBatch& batch, const torch::Tensor& x,
                                 int n_mels, int n_frames) {
  const auto m = static_cast<std::int64_t>(batch.full_index.size());
  auto x_full = torch::from_blob(batch.x_full.data(), {m, n_mels, n_frames});
  auto index = torch::from_blob(batch.full_index.data(), {m}, torch::kInt64);
  const bool training = net->is_training();
  net->eval();
  torch::Tensor teacher;
  {
    torch::NoGradGuard no_grad;
    teacher = net->forward(x_full);
  }
  auto student = net->forward(x.index_select(/*dim=*/0, index));
  net->train(training);
  return kl_from_teacher(teacher, student);
}

}  // namespace

StepResult train_step(GenreCnn& net, torch::optim::AdamW& optimizer, TrainBatch& batch, int n_mels,
                      int n_frames, double lr, const LossOptions& loss_options,
                      const std::function<void()>& reduce_gradients) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  const double smoothing = loss_options.label_smoothing;
  const auto n = static_cast<std::int64_t>(batch.size);
  auto x = torch::from_blob(batch.x.data(), {n, n_mels, n_frames});
  auto y = torch::from_blob(batch.y.data(), {n}, torch::kInt64);
  torch::Tensor logits, loss;
  if (!batch.x_pair.empty()) {
    auto x_pair = torch::from_blob(batch.x_pair.data(), {n, n_mels, n_frames});
    auto both = net->forward(torch::cat({x, x_pair}));
    logits = both.slice(/*dim=*/0, 0, n);
    auto logits_pair = both.slice(/*dim=*/0, n, 2 * n);
    loss = 0.5 * (smoothed_cross_entropy(logits, y, smoothing) +
                  smoothed_cross_entropy(logits_pair, y, smoothing));
    if (loss_options.consistency_weight > 0)
      loss = loss + loss_options.consistency_weight * js_divergence(logits, logits_pair);
  } else {
    const bool teach = loss_options.lowpass_teacher_weight > 0 && !batch.full_index.empty();
    logits = net->forward(x);
    if (teach) {
      loss = smoothed_cross_entropy(logits, y, smoothing) +
             loss_options.lowpass_teacher_weight *
                 teacher_divergence(net, batch, x, n_mels, n_frames) / static_cast<double>(n);
    } else if (batch.lam.empty()) {
      loss = smoothed_cross_entropy(logits, y, smoothing);
    } else {
      auto y_mix = torch::from_blob(batch.y_mix.data(), {n}, torch::kInt64);
      auto lam = torch::from_blob(batch.lam.data(), {n});
      loss = (lam * smoothed_cross_entropy(logits, y, smoothing, /*reduce=*/false) +
              (1 - lam) * smoothed_cross_entropy(logits, y_mix, smoothing, /*reduce=*/false))
                 .mean();
    }
  }
  optimizer.zero_grad();
  loss.backward();
  if (reduce_gradients) reduce_gradients();
  optimizer.step();
  StepResult r;
  r.loss = loss.item<double>();
  r.correct = logits.argmax(/*dim=*/1).eq(y).sum().item<std::int64_t>();
  return r;
}

double scheduled_lr(std::int64_t step, std::int64_t warmup_steps, std::int64_t total_steps,
                    double lr, double min_ratio) {
  if (warmup_steps > 0 && step < warmup_steps)
    return lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  const double span = static_cast<double>(std::max<std::int64_t>(1, total_steps - warmup_steps));
  const double t = std::min(1.0, static_cast<double>(step - warmup_steps) / span);
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * t));
  return lr * (min_ratio + (1.0 - min_ratio) * cosine);
}

}  // namespace genrec
