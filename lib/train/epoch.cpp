#include "train/epoch.h"

#include <csignal>
#include <cstdlib>

#include "train/train_step.h"

namespace genrec {
namespace {

// For the kill-and-resume test: GENREC_TEST_KILL_AT_STEP=N makes the process SIGKILL itself
// right after its N-th optimizer step (counted over all members), i.e. mid-epoch where the test
// chooses, so that resuming must restore the optimizer, the weight average and the step.
// Called once after every optimizer step.
void kill_if_test_asks() {
  static const std::int64_t kill_at = [] {
    const char* v = std::getenv("GENREC_TEST_KILL_AT_STEP");
    return v ? std::strtoll(v, nullptr, 10) : std::int64_t{0};
  }();
  static std::int64_t steps_taken = 0;
  if (kill_at > 0 && ++steps_taken == kill_at) std::raise(SIGKILL);
}

}  // namespace

EpochTotals train_epoch(GenreCnn& net, torch::optim::AdamW& optimizer, WeightAverage& ema,
                        BatchLoader& loader, const TrainOptions& opt, const FeatureConfig& features,
                        const StepSchedule& schedule, std::int64_t& step, int epoch,
                        const TrainCallbacks& callbacks,
                        const std::function<void()>& reduce_gradients) {
  const int n_mels = features.n_mels;
  const int n_frames = static_cast<int>(features.frames_per_segment());
  net->train();
  EpochTotals t;
  t.lr = opt.lr;
  TrainBatch batch;
  std::size_t batch_index = 0;
  while (loader.next(batch)) {
    t.lr =
        scheduled_lr(step, schedule.warmup_steps, schedule.total_steps, opt.lr, opt.min_lr_ratio);
    const StepResult r = train_step(net, optimizer, batch, n_mels, n_frames, t.lr,
                                    loss_options(opt), reduce_gradients);
    ema.update(net, step);
    ++step;
    kill_if_test_asks();
    t.loss_sum += r.loss * static_cast<double>(batch.size);
    t.hits += r.correct;
    t.seen += static_cast<std::int64_t>(batch.size);
    if (callbacks.on_batch)
      callbacks.on_batch(epoch, ++batch_index, loader.n_batches(),
                         t.loss_sum / static_cast<double>(t.seen));
  }
  return t;
}

}  // namespace genrec
