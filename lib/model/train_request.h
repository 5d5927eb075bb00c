#pragma once
// What `genrec train` asks for and gets back: the request, per-epoch metrics, callbacks and the
// result. Torch-free: the command fills these in and the training library (lib/train, loaded
// at run time by lib/model/train_library.h) does the work.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "audio/error.h"
#include "data/data_source.h"
#include "model/launch_env.h"

namespace genrec {

struct TrainRequest {
  DataOptions data;         // one or more datasets (load_dataset)
  std::string out;          // the model file; also <out>.ckpt, <out>.metrics.jsonl
  std::string config_path;  // configs/*.toml; empty: built-in defaults
  std::string split = "song:0.8/0.1/0.1";
  std::uint64_t seed = 42;       // split, initialisation, dropout, crops, masks
  int epochs = 0;                // > 0 overrides [train] epochs
  bool resume = false;           // continue from <out>.ckpt when it exists
  bool force = false;            // overwrite an existing <out>
  bool keep_checkpoint = false;  // keep <out>.ckpt after a finished run
  int threads = 1;               // torch intra-op threads and cache-building workers
  std::string cache_dir;         // empty: .genrec-cache in the first dataset's folder
  std::string command_line;      // recorded in the model file
  std::string name;              // model name; empty: file stem of `out`
  // Data parallelism: this process's rank in the job (launch_env_from_environment); every
  // rank runs the same request. Collectives and rendezvous give up after dist_timeout_s.
  LaunchEnv launch;
  int dist_timeout_s = 300;
  std::string device = "cpu";  // cpu | cuda | cuda:N
};

// The requested --device is not in this LibTorch build or on this machine (exit code 2).
class DeviceUnavailable : public Error {
 public:
  using Error::Error;
};

struct EpochMetrics {
  int member = 0;     // 0-based member of an ensemble ([model] ensemble)
  int n_members = 1;  // its size
  int epoch = 0;      // 1-based, within the member
  int n_epochs = 0;
  double loss = 0;           // mean training loss (smoothed cross-entropy)
  double train_seg_acc = 0;  // on augmented training windows, in training mode
  bool has_valid = false;
  double valid_loss = 0;  // mean segment cross-entropy (no smoothing), averaged weights
  double valid_seg_acc = 0;
  double valid_song_acc = 0;
  double lr = 0;  // at the end of the epoch
  double seconds = 0;
  double windows_per_s = 0;  // training throughput of the epoch (loader + step)
  bool best = false;         // the kept model so far
  nlohmann::json to_json() const;
};

struct TrainCallbacks {
  // After each optimizer step: (epoch 1-based, batch 1-based, batches in the epoch, mean loss).
  std::function<void(int, std::size_t, std::size_t, double)> on_batch;
  std::function<void(const EpochMetrics&)> on_epoch;
};

struct TrainResult {
  std::string model_path;
  int epochs_run = 0;  // completed epochs (including those before a resume)
  int best_epoch = 0;  // 1-based epoch of the saved weights
  int n_members = 1;   // networks in the model ([model] ensemble); the figures above: the last's
  bool stopped_early = false;
  bool resumed = false;
  std::size_t n_test = 0;               // songs in the split's test part
  std::optional<double> test_song_acc;  // exact per-segment features, as `genrec eval`
  std::optional<double> test_seg_acc;
  double seconds = 0;       // whole run, this process
  nlohmann::json training;  // what went into the model file's "training"
  int rank = 0;             // ranks > 0 write nothing and leave the fields above unset
  int world_size = 1;
};

// The checkpoint and metrics paths of a model path.
std::string checkpoint_path(const std::string& model_path);
std::string metrics_path(const std::string& model_path);

}  // namespace genrec
