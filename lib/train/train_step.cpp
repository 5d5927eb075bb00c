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

StepResult train_step(GenreCnn& net, torch::optim::AdamW& optimizer, TrainBatch& batch, int n_mels,
                      int n_frames, double lr, double label_smoothing,
                      const std::function<void()>& reduce_gradients) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  const auto n = static_cast<std::int64_t>(batch.size);
  auto x = torch::from_blob(batch.x.data(), {n, n_mels, n_frames});
  auto y = torch::from_blob(batch.y.data(), {n}, torch::kInt64);
  auto logits = net->forward(x);
  torch::Tensor loss;
  if (batch.lam.empty()) {
    loss = smoothed_cross_entropy(logits, y, label_smoothing);
  } else {
    auto y_mix = torch::from_blob(batch.y_mix.data(), {n}, torch::kInt64);
    auto lam = torch::from_blob(batch.lam.data(), {n});
    loss = (lam * smoothed_cross_entropy(logits, y, label_smoothing, /*reduce=*/false) +
            (1 - lam) * smoothed_cross_entropy(logits, y_mix, label_smoothing, /*reduce=*/false))
               .mean();
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
