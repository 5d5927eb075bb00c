#include "train/epoch.h"

#include "train/train_step.h"

namespace genrec {

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
                                    opt.label_smoothing, reduce_gradients);
    ema.update(net, step);
    ++step;
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
