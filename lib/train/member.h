#pragma once
// One network of a run (an ensemble trains [model] ensemble of them, one after another): its
// epochs, validation, best-weight keeping, early stopping and per-epoch checkpoint.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "model/train_config.h"
#include "model/train_request.h"
#include "train/checkpoint.h"
#include "train/communicator.h"
#include "train/training_data.h"

namespace genrec {

// What one member's training needs, shared by every member.
struct MemberRun {
  const TrainRequest& req;
  const RunConfig& config;
  const TrainingData& data;
  std::int64_t batches_per_epoch;
  const TrainCallbacks& callbacks;  // called on rank 0 only
  Communicator& comm;               // the job's ranks (one process: does nothing)
};

// Trains member state.member (seed req.seed + member) to the end, continuing from the
// checkpoint when `resume` (which may move state.member on to the checkpoint's member), and
// appends its kept weights and record to state.finished and state.finished_records.
// Over several ranks: rank 0's initial weights (or checkpoint) go to every rank, each trains
// on its shard of every global batch with gradients averaged and batch norm synchronised,
// validation is split and summed, and only rank 0 writes metrics and checkpoints.
// Throws genrec::Error for an unreadable or foreign checkpoint.
void train_member(const MemberRun& run, TrainState& state, bool resume);

// Every epoch's metrics so far: the finished members', then the current one's.
nlohmann::json all_metrics(const TrainState& state);

}  // namespace genrec
