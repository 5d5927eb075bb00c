#pragma once
// One optimisation step of the genre CNN on a batch from the BatchLoader, shared by the
// trainer and the training benchmark so that both measure the same work.
#include <torch/torch.h>

#include <functional>

#include "data/batch_loader.h"
#include "model/train_config.h"
#include "train/cnn.h"

namespace genrec {

struct StepResult {
  double loss = 0;           // mean smoothed cross-entropy of the batch
  std::int64_t correct = 0;  // argmax hits of the batch (training mode, augmented)
};

// Cross-entropy against (1 - smoothing) * one-hot + smoothing / n_labels: the batch mean, or
// one value per window with reduce = false.
torch::Tensor smoothed_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels,
                                     double smoothing, bool reduce = true);

// The mean over windows of the Jensen-Shannon divergence (natural log, so at most ln 2) between
// the softmax of logits_a and of logits_b, row by row.
torch::Tensor js_divergence(const torch::Tensor& logits_a, const torch::Tensor& logits_b);

// The sum over rows of KL(softmax(teacher) || softmax(student)), natural log; the teacher
// logits carry no gradient.
torch::Tensor kl_from_teacher(const torch::Tensor& teacher_logits,
                              const torch::Tensor& student_logits);

struct LossOptions {
  double label_smoothing = 0.0;
  double consistency_weight = 0.0;      // times the JS divergence of paired views
  double lowpass_teacher_weight = 0.0;  // times the KL of band-limited windows from their teacher
};
LossOptions loss_options(const TrainOptions& options);

// Forward, loss, backward and optimizer.step() at learning rate `lr` (set on every group).
// With mixup (batch.lam set) the loss weighs both labels of each window. With paired views
// (batch.x_pair set) both views go through the network in one batch; the loss is the mean of
// their cross-entropies plus consistency_weight times their JS divergence (ref: Hendrycks et
// al. 2020, AugMix's consistency loss, with two views). With teacher views (batch.full_index
// set) the band-limited windows go through the network once more, and their full-band views
// without gradient, both in evaluation mode (as `predict` runs it, so that dropout and batch
// statistics add no divergence of their own), and lowpass_teacher_weight times the sum over
// those windows of KL(full-band view || window), divided by the batch size, joins the loss.
// `reduce_gradients`, when set, runs between backward and the step (data parallelism: averaging
// over ranks).
StepResult train_step(GenreCnn& net, torch::optim::AdamW& optimizer, TrainBatch& batch, int n_mels,
                      int n_frames, double lr, const LossOptions& loss_options,
                      const std::function<void()>& reduce_gradients = {});

// Linear warm-up over warmup_steps, then cosine decay from lr to lr * min_ratio at total_steps.
double scheduled_lr(std::int64_t step, std::int64_t warmup_steps, std::int64_t total_steps,
                    double lr, double min_ratio);

}  // namespace genrec
