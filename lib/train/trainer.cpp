#include "train/trainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <ctime>
#include <filesystem>

#include "audio/error.h"
#include "data/batch_loader.h"
#include "data/feature_cache.h"
#include "model/atomic_write.h"
#include "model/evaluate.h"
#include "model/genre_model.h"
#include "model/seen_songs.h"
#include "model/train_config.h"
#include "report/metrics.h"
#include "train/allocator_tuning.h"
#include "train/checkpoint.h"
#include "train/communicator.h"
#include "train/member.h"
#include "train/stopwatch.h"
#include "train/training_data.h"

namespace genrec {
namespace {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<SongFingerprint> fingerprints(const FeatureCache& cache,
                                          const std::vector<int>& songs) {
  std::vector<SongFingerprint> out;
  for (int s : songs) {
    const SongFeatures* f = cache.find(s);
    out.push_back({f->rel_path, f->fingerprint});
  }
  return out;
}

// The device of --device; throws DeviceUnavailable for CUDA on a LibTorch without it.
void check_device(const std::string& device) {
  if (device == "cpu") return;  // the CLI accepts cpu, cuda and cuda:N only
  if (!at::hasCUDA())
    throw DeviceUnavailable("train", "--device " + device,
                            "this LibTorch is built without CUDA; use --device cpu");
  if (!torch::cuda::is_available())
    throw DeviceUnavailable("train", "--device " + device,
                            "no CUDA GPU is visible; use --device cpu");
  throw DeviceUnavailable("train", "--device " + device,
                          "training on CUDA is not implemented yet; use --device cpu");
}

// 64 bits of std::hash over every byte of every kept tensor, in hex: equal digests on two
// ranks mean bit-identical weights.
std::string weights_digest(const std::vector<TensorList>& networks) {
  std::string bytes;
  for (const TensorList& tensors : networks)
    for (const NamedTensor& t : tensors)
      bytes.append(reinterpret_cast<const char*>(t.values.data()), t.values.size() * sizeof(float));
  return fmt::format("{:016x}", std::hash<std::string>{}(bytes));
}

std::vector<std::string> rel_paths(const Dataset& data, const std::vector<int>& songs) {
  std::vector<std::string> out;
  for (int s : songs) out.push_back(data.songs[s].rel_path);
  return out;
}

// The model file's contents: every member's kept weights (the best averaged ones by
// validation, or the last ones without one) and what they were trained on and how.
GenreModel trained_model(const TrainRequest& req, const RunConfig& config, const TrainingData& data,
                         const TrainState& state, int threads, int world_size) {
  const int n_members = config.model.ensemble;
  const nlohmann::json& last = state.finished_records.back();
  ModelInfo info;
  info.name = req.name.empty() ? std::filesystem::path(req.out).stem().string() : req.name;
  info.labels = data.cache.labels();
  info.features = config.features;
  info.arch = config.model.to_json();
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : data.cache.skipped())
    skipped.push_back({{"file", s.rel_path}, {"cause", s.cause}});
  nlohmann::json training{
      {"dataset",
       {{"root", data.data.root},
        {"n_songs", data.data.songs.size()},
        {"n_train", data.train.size()},
        {"n_valid", data.valid.size()},
        {"n_test", data.test.size()},
        {"skipped", skipped}}},
      {"split", req.split},
      {"seed", req.seed},
      {"threads", threads},
      {"world_size", world_size},
      {"config_source", config.source},
      {"config", config.to_json()},
      {"epochs_run", last.at("epochs_run")},
      {"best_epoch", last.at("best_epoch")},
      {"stopped_early", last.at("stopped_early")},
      {"weights",
       std::string(data.valid.empty() ? "exponential moving average after the last epoch"
                                      : "exponential moving average at the best validation epoch") +
           (n_members > 1 ? ", for each of the " + std::to_string(n_members) +
                                " members (probabilities averaged)"
                          : "")},
      {"metrics", all_metrics(state)},
      {"date", utc_now()},
      {"command", req.command_line}};
  if (last.contains("final")) training["final"] = last.at("final");
  record_seen_songs(training, fingerprints(data.cache, data.train),
                    fingerprints(data.cache, data.valid));
  if (n_members > 1) {
    nlohmann::json members = nlohmann::json::array();
    for (const nlohmann::json& r : state.finished_records) {
      nlohmann::json summary = r;
      summary.erase("metrics");
      members.push_back(summary);
    }
    training["members"] = members;
  }
  info.training = training;
  TensorList tensors;
  for (int m = 0; m < n_members; ++m)
    for (NamedTensor t : state.finished[static_cast<std::size_t>(m)]) {
      t.name = config.model.member_prefix(m) + t.name;
      tensors.push_back(std::move(t));
    }
  return GenreModel(info, std::move(tensors));
}

}  // namespace

TrainResult train_model(const TrainRequest& req, const TrainCallbacks& callbacks) {
  const auto t_start = Clock::now();
  if (req.out.empty()) throw Error("train", "--out", "no output model path");
  RunConfig config = req.config_path.empty() ? RunConfig{} : load_run_config(req.config_path);
  if (req.epochs > 0) config.train.epochs = req.epochs;
  config.features.validate();
  const TrainOptions& opt = config.train;
  const int threads = std::max(1, req.threads);
  check_device(req.device);

  tune_allocator_for_tensors();
  torch::set_num_threads(threads);
  Communicator comm(req.launch, std::chrono::seconds(req.dist_timeout_s));
  if (comm.distributed())
    spdlog::info("train: rank {} of {} joined {}:{}", comm.rank(), comm.world_size(),
                 req.launch.master_addr, req.launch.master_port);
  const TrainingData data = prepare_training_data(req, config, threads, comm);
  const std::int64_t batches_per_epoch = static_cast<std::int64_t>(BatchLoader::count_batches(
      BatchLoader::count_windows(data.cache, data.train, loader_options(opt, 0.0, {})),
      opt.batch_size, comm.world_size()));

  TrainState state;
  state.fingerprint = {{"config", config.to_json()},
                       {"split", req.split},
                       {"seed", req.seed},
                       {"labels", data.cache.labels()},
                       {"train", rel_paths(data.data, data.train)},
                       {"valid", rel_paths(data.data, data.valid)}};
  comm.check_same_as_root("the config, split, seed, labels or training songs",
                          state.fingerprint.dump());
  const MemberRun run{req, config, data, batches_per_epoch, callbacks, comm};
  const int n_members = config.model.ensemble;
  const std::string ckpt = checkpoint_path(req.out);
  // A run killed between writing and renaming leaves "<file>.tmp-<pid>" behind; rank 0 alone
  // writes, so it alone tidies.
  if (comm.is_root())
    for (const std::string& p : {req.out, ckpt, metrics_path(req.out)})
      for (const std::string& stale : remove_stale_temporaries(p))
        spdlog::info("train: removed '{}', left by an interrupted run", stale);
  // Rank 0's checkpoint decides, and travels to the other ranks.
  bool resuming =
      comm.share_from_root("resume", req.resume && std::filesystem::exists(ckpt) ? "1" : "0",
                           std::chrono::seconds(req.dist_timeout_s)) == "1";
  if (req.resume && !resuming && comm.is_root())
    spdlog::warn("train: no checkpoint '{}'; starting from the beginning", ckpt);
  TrainResult result;
  result.rank = comm.rank();
  result.world_size = comm.world_size();
  result.resumed = resuming;
  // Members one after another (seeds seed, seed + 1, ...); a resumed run starts where its
  // checkpoint left off, with the members finished before it.
  for (state.member = 0; state.member < n_members; ++state.member) {
    train_member(run, state, resuming);
    resuming = false;
  }
  const nlohmann::json& last = state.finished_records.back();
  const std::string digest = weights_digest(state.finished);
  if (comm.distributed())
    spdlog::info("train: rank {} of {}: final weights digest {}", comm.rank(), comm.world_size(),
                 digest);
  comm.check_same_as_root("the final weights", digest);
  comm.barrier();
  if (!comm.is_root()) {
    result.seconds = seconds_since(t_start);
    return result;  // rank 0 writes the model file
  }

  GenreModel model = trained_model(req, config, data, state, threads, comm.world_size());

  // Saved before the test report, so a failure there never loses the trained model.
  model.save(req.out);
  result.n_test = data.test.size();
  if (!data.test.empty()) {
    // Exact per-segment features from the audio, as `genrec eval` computes them.
    const EvalResult r = evaluate(model, data.data, data.test, EvalOptions{}, threads);
    result.test_song_acc = compute_metrics(r.songs).accuracy;
    result.test_seg_acc = compute_metrics(r.segments).accuracy;
    nlohmann::json record = model.info().training;
    record["test"] = {{"n_songs", r.songs.total()},
                      {"song_accuracy", *result.test_song_acc},
                      {"segment_accuracy", *result.test_seg_acc},
                      {"failed", r.failed}};
    model.set_training(std::move(record));
    model.save(req.out);
  }
  if (!req.keep_checkpoint) {
    std::error_code ec;
    std::filesystem::remove(ckpt, ec);
  }

  result.model_path = req.out;
  result.epochs_run = last.at("epochs_run").get<int>();
  result.best_epoch = last.at("best_epoch").get<int>();
  result.stopped_early = last.at("stopped_early").get<bool>();
  result.n_members = n_members;
  result.training = model.info().training;
  result.seconds = seconds_since(t_start);
  return result;
}

}  // namespace genrec
