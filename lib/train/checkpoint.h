#pragma once
// The training checkpoint (<out>.ckpt): everything a killed run needs to continue exactly —
// weights, averaged weights, best weights, AdamW state and the loop's counters and history.
// Written atomically at the end of every epoch. Not a model file: `genrec train --resume`
// is its only reader.
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>

#include "model/named_tensor.h"
#include "train/cnn.h"

namespace genrec {

struct TrainState {
  // Ensembles train their members one after another: the member in progress, the kept weights
  // and records ({"seed", "epochs_run", "best_epoch", "stopped_early", "metrics"}) of the
  // members before it.
  int member = 0;
  std::vector<TensorList> finished;
  nlohmann::json finished_records = nlohmann::json::array();
  // The member in progress:
  int next_epoch = 0;      // the first epoch not yet completed
  std::int64_t step = 0;   // optimizer steps taken
  double best_score = -1;  // best validation song accuracy (-1: none yet)
  double best_loss = 0;    // its validation loss (tie-break)
  int best_epoch = -1;
  int bad_epochs = 0;                                // epochs since the best one (early stopping)
  bool stopped = false;                              // early stopping fired
  nlohmann::json history = nlohmann::json::array();  // one metrics object per epoch
  nlohmann::json fingerprint;  // config, split, seed, data: must match on resume
};

struct TrainModules {
  GenreCnn& net;
  GenreCnn& average;
  GenreCnn& best;
  torch::optim::Optimizer& optimizer;
};

// Throws genrec::Error("checkpoint", path, cause).
void save_checkpoint(const std::string& path, const TrainState& state, TrainModules modules);
// Restores everything (finished members' tensors named and shaped as member_specs); throws
// genrec::Error("checkpoint", path, cause) for an unreadable file or one whose fingerprint
// differs from state.fingerprint (another config, split or dataset).
void load_checkpoint(const std::string& path, TrainState& state, TrainModules modules,
                     const std::vector<TensorSpec>& member_specs);
// The same from the bytes of the checkpoint file `path` (read by another rank).
void load_checkpoint_bytes(const std::string& path, const std::string& bytes, TrainState& state,
                           TrainModules modules, const std::vector<TensorSpec>& member_specs);
// The bytes of the checkpoint file. Throws genrec::Error("checkpoint", path, cause).
std::string read_checkpoint_bytes(const std::string& path);

}  // namespace genrec
