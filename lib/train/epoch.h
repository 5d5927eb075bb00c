#pragma once
// One training epoch: every batch of the loader through train_step at the scheduled learning
// rate, the weight average updated after each step.
#include <cstdint>
#include <functional>

#include "data/batch_loader.h"
#include "model/train_config.h"
#include "model/train_request.h"
#include "train/cnn.h"
#include "train/weight_average.h"

namespace genrec {

// The learning-rate schedule of a run, in optimizer steps.
struct StepSchedule {
  std::int64_t warmup_steps = 0;
  std::int64_t total_steps = 0;
};

// Sums over the epoch's training windows.
struct EpochTotals {
  double loss_sum = 0;  // batch mean loss x batch size, summed
  std::int64_t hits = 0, seen = 0;
  double lr = 0;  // of the last step
};

// Trains `net` on every batch of `loader` (epoch: 1-based, for the callback); `step` counts
// optimizer steps across epochs and is advanced by the batches trained. `reduce_gradients`:
// see train_step.
EpochTotals train_epoch(GenreCnn& net, torch::optim::AdamW& optimizer, WeightAverage& ema,
                        BatchLoader& loader, const TrainOptions& options,
                        const FeatureConfig& features, const StepSchedule& schedule,
                        std::int64_t& step, int epoch, const TrainCallbacks& callbacks,
                        const std::function<void()>& reduce_gradients = {});

}  // namespace genrec
