#include "train/trainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "audio/error.h"
#include "data/band_stats.h"
#include "data/batch_loader.h"
#include "data/dataset.h"
#include "data/feature_cache.h"
#include "data/split.h"
#include "model/atomic_write.h"
#include "model/evaluate.h"
#include "model/feature_config_json.h"
#include "model/genre_model.h"
#include "model/train_config.h"
#include "report/metrics.h"
#include "train/allocator_tuning.h"
#include "train/checkpoint.h"
#include "train/module_tensors.h"
#include "train/train_step.h"
#include "train/weight_average.h"

namespace genrec {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// ref: SplitMix64 (Steele et al. 2014): independent streams from (seed, epoch, purpose).
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t epoch, std::uint64_t purpose) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (1 + epoch * 4 + purpose);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<int> with_features(const FeatureCache& cache, const std::vector<int>& songs) {
  std::vector<int> out;
  for (int s : songs)
    if (cache.find(s)) out.push_back(s);
  return out;
}

std::vector<std::string> rel_paths(const Dataset& data, const std::vector<int>& songs) {
  std::vector<std::string> out;
  for (int s : songs) out.push_back(data.songs[s].rel_path);
  return out;
}

struct ValidScores {
  double loss = 0, seg_acc = 0, song_acc = 0;
};

// Song-level validation on cache windows at non-overlapping offsets (the segments predict
// would use, cut from the whole-clip features): song probabilities = mean over its windows.
ValidScores validate(GenreCnn& net, const FeatureCache& cache, const std::vector<int>& songs,
                     int batch_size) {
  torch::NoGradGuard no_grad;
  net->eval();
  FeatureConfig config = cache.config();
  config.train_hop_seconds = config.segment_seconds;
  const int n_mels = config.n_mels;
  const auto n_frames = static_cast<std::int64_t>(config.frames_per_segment());
  const std::size_t window = static_cast<std::size_t>(n_mels) * n_frames;
  double loss_sum = 0;
  std::int64_t n_windows = 0, seg_hits = 0, song_hits = 0;
  std::vector<float> buffer;
  for (int s : songs) {
    const SongFeatures* f = cache.find(s);
    const std::vector<std::size_t> offsets = train_frame_offsets(*f, config);
    torch::Tensor song_probs;
    for (std::size_t begin = 0; begin < offsets.size(); begin += batch_size) {
      const std::size_t n = std::min<std::size_t>(batch_size, offsets.size() - begin);
      buffer.resize(n * window);
      for (std::size_t i = 0; i < n; ++i)
        cut_segment(*f, offsets[begin + i], config, buffer.data() + i * window);
      auto x = torch::from_blob(buffer.data(), {static_cast<std::int64_t>(n), n_mels, n_frames});
      auto log_p = torch::log_softmax(net->forward(x), /*dim=*/1);
      auto y = torch::full({static_cast<std::int64_t>(n)}, f->label, torch::kInt64);
      loss_sum -= log_p.gather(/*dim=*/1, y.unsqueeze(/*dim=*/1)).sum().item<double>();
      seg_hits += log_p.argmax(/*dim=*/1).eq(y).sum().item<std::int64_t>();
      auto p = log_p.exp().sum(/*dim=*/0);
      song_probs = song_probs.defined() ? song_probs + p : p;
      n_windows += static_cast<std::int64_t>(n);
    }
    if (song_probs.argmax().item<std::int64_t>() == f->label) ++song_hits;
  }
  ValidScores v;
  v.loss = loss_sum / static_cast<double>(std::max<std::int64_t>(1, n_windows));
  v.seg_acc =
      static_cast<double>(seg_hits) / static_cast<double>(std::max<std::int64_t>(1, n_windows));
  v.song_acc =
      static_cast<double>(song_hits) / static_cast<double>(std::max<std::size_t>(1, songs.size()));
  return v;
}

void write_metrics_file(const std::string& path, const nlohmann::json& history) {
  std::string text;
  for (const auto& m : history) text += m.dump() + "\n";
  write_file_atomic(path, text, "train");
}

// Every epoch's metrics so far: the finished members', then the current one's.
nlohmann::json all_metrics(const TrainState& state) {
  nlohmann::json all = nlohmann::json::array();
  for (const nlohmann::json& r : state.finished_records)
    for (const nlohmann::json& m : r.at("metrics")) all.push_back(m);
  for (const nlohmann::json& m : state.history) all.push_back(m);
  return all;
}

// What one member's training needs, shared by every member.
struct MemberRun {
  const TrainRequest& req;
  const RunConfig& config;
  const FeatureCache& cache;
  const std::vector<int>& train;
  const std::vector<int>& valid;
  const BandStats& input_stats;  // the network's input normalisation
  std::vector<float> fill;       // the masks' fill values
  int n_labels;
  std::int64_t batches_per_epoch;
  const TrainCallbacks& callbacks;
};

// Trains member state.member (seed req.seed + member) to the end, continuing from the
// checkpoint when `resume` (which may move state.member on to the checkpoint's member), and
// appends its kept weights and record to state.finished and state.finished_records.
void train_member(const MemberRun& run, TrainState& state, bool resume) {
  const TrainOptions& opt = run.config.train;
  const FeatureConfig& features = run.config.features;
  const int n_mels = features.n_mels;
  const int n_frames = static_cast<int>(features.frames_per_segment());
  const int n_members = run.config.model.ensemble;
  const std::int64_t total_steps = run.batches_per_epoch * opt.epochs;
  const auto warmup_steps = static_cast<std::int64_t>(opt.warmup_epochs * run.batches_per_epoch);
  const std::string ckpt = checkpoint_path(run.req.out);

  torch::manual_seed(run.req.seed + static_cast<std::uint64_t>(state.member));
  GenreCnn net(run.config.model, features, run.n_labels);
  net->set_normalization(run.input_stats.mean, run.input_stats.std);
  GenreCnn average(run.config.model, features, run.n_labels),
      best(run.config.model, features, run.n_labels);
  copy_weights(average, net);
  copy_weights(best, net);
  average->eval();
  WeightAverage ema(average, opt.ema_decay);
  torch::optim::AdamW optimizer(net->parameters(),
                                torch::optim::AdamWOptions(opt.lr).weight_decay(opt.weight_decay));
  TrainModules modules{net, average, best, optimizer};
  if (resume) {
    load_checkpoint(ckpt, state, modules,
                    run.config.model.member_tensor_specs(features, run.n_labels));
    spdlog::info("train: resuming from '{}' after epoch {}{}", ckpt, state.next_epoch,
                 n_members > 1 ? fmt::format(" of member {}/{}", state.member + 1, n_members)
                               : std::string());
  } else {
    state.next_epoch = 0;
    state.step = 0;
    state.best_score = -1;
    state.best_loss = 0;
    state.best_epoch = -1;
    state.bad_epochs = 0;
    state.stopped = false;
    state.history = nlohmann::json::array();
  }
  const std::uint64_t seed = run.req.seed + static_cast<std::uint64_t>(state.member);
  const LoaderOptions loading = loader_options(opt, features.top_db, run.fill);

  for (int epoch = state.next_epoch; epoch < opt.epochs && !state.stopped; ++epoch) {
    const auto t_epoch = Clock::now();
    torch::manual_seed(stream_seed(seed, epoch, /*purpose=*/1));  // dropout
    BatchLoader loader(run.cache, run.train, loading, stream_seed(seed, epoch, /*purpose=*/2));
    net->train();
    TrainBatch batch;
    double loss_sum = 0, lr = opt.lr;
    std::int64_t hits = 0, seen = 0;
    std::size_t batch_index = 0;
    while (loader.next(batch)) {
      lr = scheduled_lr(state.step, warmup_steps, total_steps, opt.lr, opt.min_lr_ratio);
      const StepResult r =
          train_step(net, optimizer, batch, n_mels, n_frames, lr, opt.label_smoothing);
      ema.update(net, state.step);
      ++state.step;
      loss_sum += r.loss * static_cast<double>(batch.size);
      hits += r.correct;
      seen += static_cast<std::int64_t>(batch.size);
      if (run.callbacks.on_batch)
        run.callbacks.on_batch(epoch + 1, ++batch_index, loader.n_batches(), loss_sum / seen);
    }
    const double train_seconds = seconds_since(t_epoch);

    EpochMetrics m;
    m.member = state.member;
    m.n_members = n_members;
    m.epoch = epoch + 1;
    m.n_epochs = opt.epochs;
    m.loss = loss_sum / static_cast<double>(seen);
    m.train_seg_acc = static_cast<double>(hits) / static_cast<double>(seen);
    m.lr = lr;
    m.windows_per_s = static_cast<double>(seen) / train_seconds;
    if (!run.valid.empty()) {
      const ValidScores v = validate(average, run.cache, run.valid, opt.eval_batch_size);
      m.has_valid = true;
      m.valid_loss = v.loss;
      m.valid_seg_acc = v.seg_acc;
      m.valid_song_acc = v.song_acc;
      if (v.song_acc > state.best_score ||
          (v.song_acc == state.best_score && v.loss < state.best_loss)) {
        copy_weights(best, average);
        state.best_score = v.song_acc;
        state.best_loss = v.loss;
        state.best_epoch = epoch;
        state.bad_epochs = 0;
        m.best = true;
      } else if (opt.patience > 0 && ++state.bad_epochs >= opt.patience) {
        state.stopped = true;
      }
    } else {
      state.best_epoch = epoch;  // no validation part: the last averaged weights are kept
      m.best = true;
    }
    m.seconds = seconds_since(t_epoch);
    state.history.push_back(m.to_json());
    state.next_epoch = epoch + 1;
    write_metrics_file(metrics_path(run.req.out), all_metrics(state));
    save_checkpoint(ckpt, state, modules);
    if (run.callbacks.on_epoch) run.callbacks.on_epoch(m);
    if (state.stopped)
      spdlog::info("train: early stop after epoch {} (no improvement for {} epochs)", epoch + 1,
                   opt.patience);
  }

  // The kept weights: the best averaged ones by validation, or the last ones without one.
  nlohmann::json record{{"seed", seed},
                        {"epochs_run", state.next_epoch},
                        {"best_epoch", state.best_epoch + 1},
                        {"stopped_early", state.stopped},
                        {"metrics", state.history}};
  if (state.best_epoch >= 0 && state.best_epoch < static_cast<int>(state.history.size()))
    record["final"] = state.history[state.best_epoch];
  state.finished.push_back(
      module_tensors(run.valid.empty() ? average : best, features, run.n_labels));
  state.finished_records.push_back(record);
  state.history = nlohmann::json::array();
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

  const Dataset data = scan_dataset(req.data_dir);
  const Split split = make_split(data, req.split, req.seed);
  check_disjoint(split);
  const std::string cache_dir =
      req.cache_dir.empty() ? (std::filesystem::path(req.data_dir) / ".genrec-cache").string()
                            : req.cache_dir;
  const FeatureCache cache = FeatureCache::open_or_build(data, config.features, cache_dir, threads);
  const std::vector<int> train = with_features(cache, split.train);
  const std::vector<int> valid = with_features(cache, split.valid);
  const std::vector<int> test = with_features(cache, split.test);
  if (train.empty())
    throw Error("train", req.data_dir, "no training songs in split '" + req.split + "'");
  const std::vector<std::string>& labels = cache.labels();
  const int n_labels = static_cast<int>(labels.size());
  spdlog::info("train: {} songs ({} valid, {} test, {} skipped), {} labels, {} threads",
               train.size(), valid.size(), test.size(), cache.skipped().size(), n_labels, threads);

  tune_allocator_for_tensors();
  torch::set_num_threads(threads);
  const BandStats stats = band_stats(cache, train);  // raw dB: the masks' fill values
  const BandStats input_stats = config.model.input_reference == "window_max"
                                    ? band_stats(cache, train, /*relative_to_max=*/true)
                                    : stats;
  const std::int64_t batches_per_epoch = static_cast<std::int64_t>(
      BatchLoader::count_batches(train.size() * opt.crops_per_song, opt.batch_size));

  TrainState state;
  state.fingerprint = {{"config", config.to_json()},
                       {"split", req.split},
                       {"seed", req.seed},
                       {"labels", labels},
                       {"train", rel_paths(data, train)},
                       {"valid", rel_paths(data, valid)}};
  const MemberRun run{
      req,      config, cache, train, valid, input_stats, stats.mean, n_labels, batches_per_epoch,
      callbacks};
  const int n_members = config.model.ensemble;
  const std::string ckpt = checkpoint_path(req.out);
  bool resuming = req.resume && std::filesystem::exists(ckpt);
  if (req.resume && !resuming)
    spdlog::warn("train: no checkpoint '{}'; starting from the beginning", ckpt);
  TrainResult result;
  result.resumed = resuming;
  // Members one after another (seeds seed, seed + 1, ...); a resumed run starts where its
  // checkpoint left off, with the members finished before it.
  for (state.member = 0; state.member < n_members; ++state.member) {
    train_member(run, state, resuming);
    resuming = false;
  }
  const nlohmann::json& last = state.finished_records.back();

  // The saved model: the best averaged weights by validation, or the last ones without one.
  ModelInfo info;
  info.name = req.name.empty() ? std::filesystem::path(req.out).stem().string() : req.name;
  info.labels = labels;
  info.features = config.features;
  info.arch = config.model.to_json();
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : cache.skipped())
    skipped.push_back({{"file", s.rel_path}, {"cause", s.cause}});
  nlohmann::json training{
      {"dataset",
       {{"root", data.root},
        {"n_songs", data.songs.size()},
        {"n_train", train.size()},
        {"n_valid", valid.size()},
        {"n_test", test.size()},
        {"skipped", skipped}}},
      {"split", req.split},
      {"seed", req.seed},
      {"threads", threads},
      {"config_source", config.source},
      {"config", config.to_json()},
      {"epochs_run", last.at("epochs_run")},
      {"best_epoch", last.at("best_epoch")},
      {"stopped_early", last.at("stopped_early")},
      {"weights",
       std::string(valid.empty() ? "exponential moving average after the last epoch"
                                 : "exponential moving average at the best validation epoch") +
           (n_members > 1 ? ", for each of the " + std::to_string(n_members) +
                                " members (probabilities averaged)"
                          : "")},
      {"metrics", all_metrics(state)},
      {"date", utc_now()},
      {"command", req.command_line}};
  if (last.contains("final")) training["final"] = last.at("final");
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
  GenreModel model(info, std::move(tensors));

  // Saved before the test report, so a failure there never loses the trained model.
  model.save(req.out);
  result.n_test = test.size();
  if (!test.empty()) {
    // Exact per-segment features from the audio, as `genrec eval` computes them.
    const EvalResult r = evaluate(model, data, test, PredictOptions{}, threads);
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
