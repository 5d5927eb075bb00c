#include "train/member.h"

#include <spdlog/spdlog.h>

#include "data/batch_loader.h"
#include "model/atomic_write.h"
#include "train/epoch.h"
#include "train/module_tensors.h"
#include "train/replica.h"
#include "train/stopwatch.h"
#include "train/validation.h"
#include "train/weight_average.h"

namespace genrec {
namespace {

// ref: SplitMix64 (Steele et al. 2014): independent streams from (seed, epoch, purpose).
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t epoch, std::uint64_t purpose) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (1 + epoch * 4 + purpose);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Rank 0 keeps `seed` (so one process trains as before); other ranks get streams of their own.
std::uint64_t rank_seed(std::uint64_t seed, int rank) {
  return rank == 0 ? seed : stream_seed(seed, static_cast<std::uint64_t>(rank), /*purpose=*/3);
}

void write_metrics_file(const std::string& path, const nlohmann::json& history) {
  std::string text;
  for (const auto& m : history) text += m.dump() + "\n";
  write_file_atomic(path, text, "train");
}

// Songs first, first + step, ...: one rank's share of a list.
std::vector<int> every_nth(const std::vector<int>& songs, int first, int step) {
  std::vector<int> out;
  for (std::size_t i = static_cast<std::size_t>(first); i < songs.size();
       i += static_cast<std::size_t>(step))
    out.push_back(songs[i]);
  return out;
}

// The sums of a validation split across ranks.
ValidTotals reduce_totals(Communicator& comm, const ValidTotals& t) {
  torch::Tensor v =
      torch::tensor({t.loss_sum, static_cast<double>(t.n_windows), static_cast<double>(t.seg_hits),
                     static_cast<double>(t.n_songs), static_cast<double>(t.song_hits)},
                    torch::kFloat64);
  comm.all_reduce_sum({v});
  const auto count = [&](int i) { return static_cast<std::int64_t>(v[i].item<double>()); };
  return ValidTotals{v[0].item<double>(), count(1), count(2), count(3), count(4)};
}

EpochTotals reduce_totals(Communicator& comm, const EpochTotals& t) {
  torch::Tensor v = torch::tensor(
      {t.loss_sum, static_cast<double>(t.hits), static_cast<double>(t.seen)}, torch::kFloat64);
  comm.all_reduce_sum({v});
  EpochTotals out = t;
  out.loss_sum = v[0].item<double>();
  out.hits = static_cast<std::int64_t>(v[1].item<double>());
  out.seen = static_cast<std::int64_t>(v[2].item<double>());
  return out;
}

void reset_member_state(TrainState& state) {
  state.next_epoch = 0;
  state.step = 0;
  state.best_score = -1;
  state.best_loss = 0;
  state.best_epoch = -1;
  state.bad_epochs = 0;
  state.stopped = false;
  state.history = nlohmann::json::array();
}

// Validates the averaged weights after `epoch` into m, keeps them as `best` when they beat the
// best so far (song accuracy, then loss), and fires early stopping after `patience` epochs
// without. Without a validation part the last averaged weights are the kept ones.
void judge_epoch(const MemberRun& run, GenreCnn& average, GenreCnn& best, TrainState& state,
                 int epoch, EpochMetrics& m) {
  const TrainOptions& opt = run.config.train;
  if (run.data.valid.empty()) {
    state.best_epoch = epoch;
    m.best = true;
    return;
  }
  const std::vector<int> mine = every_nth(run.data.valid, run.comm.rank(), run.comm.world_size());
  const ValidScores v = valid_scores(
      reduce_totals(run.comm, validate(average, run.data.cache, mine, opt.eval_batch_size)));
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
}

}  // namespace

nlohmann::json all_metrics(const TrainState& state) {
  nlohmann::json all = nlohmann::json::array();
  for (const nlohmann::json& r : state.finished_records)
    for (const nlohmann::json& m : r.at("metrics")) all.push_back(m);
  for (const nlohmann::json& m : state.history) all.push_back(m);
  return all;
}

void train_member(const MemberRun& run, TrainState& state, bool resume) {
  const TrainOptions& opt = run.config.train;
  const FeatureConfig& features = run.config.features;
  const CnnConfig& arch = run.config.model;
  const int n_labels = run.data.n_labels();
  const int n_members = arch.ensemble;
  const std::string ckpt = checkpoint_path(run.req.out);

  // Each rank draws its own initial weights and dropout masks; rank 0's weights are broadcast.
  Communicator& comm = run.comm;
  torch::manual_seed(
      rank_seed(run.req.seed + static_cast<std::uint64_t>(state.member), comm.rank()));
  GenreCnn net(arch, features, n_labels);
  net->set_normalization(run.data.input_stats.mean, run.data.input_stats.std);
  GenreCnn average(arch, features, n_labels), best(arch, features, n_labels);
  copy_weights(average, net);
  copy_weights(best, net);
  average->eval();
  WeightAverage ema(average, opt.ema_decay);
  torch::optim::AdamW optimizer(net->parameters(),
                                torch::optim::AdamWOptions(opt.lr).weight_decay(opt.weight_decay));
  TrainModules modules{net, average, best, optimizer};
  if (resume) {
    // Rank 0's file, so ranks on other machines need no copy of it.
    const std::string bytes = comm.share_from_root(
        "checkpoint", comm.is_root() ? read_checkpoint_bytes(ckpt) : std::string(),
        std::chrono::seconds(run.req.dist_timeout_s));
    load_checkpoint_bytes(ckpt, bytes, state, modules,
                          arch.member_tensor_specs(features, n_labels));
    if (comm.is_root())
      spdlog::info("train: resuming from '{}' after epoch {}{}", ckpt, state.next_epoch,
                   n_members > 1 ? fmt::format(" of member {}/{}", state.member + 1, n_members)
                                 : std::string());
  } else {
    reset_member_state(state);
  }
  // ref: DistributedDataParallel broadcasts rank 0's module state at construction.
  for (GenreCnn* m : {&net, &average, &best}) broadcast_from_root(comm, *m);
  const std::function<void()> reduce_gradients = replicate_for_training(comm, net);
  const std::uint64_t seed = run.req.seed + static_cast<std::uint64_t>(state.member);
  LoaderOptions loading = loader_options(opt, features.top_db, run.data.fill_stats.mean);
  loading.shard = comm.rank();
  loading.n_shards = comm.world_size();
  for (const FeatureCache& copy : run.data.resampled) loading.resampled.push_back(&copy);
  StepSchedule schedule;
  schedule.total_steps = run.batches_per_epoch * opt.epochs;
  schedule.warmup_steps = static_cast<std::int64_t>(opt.warmup_epochs * run.batches_per_epoch);

  for (int epoch = state.next_epoch; epoch < opt.epochs && !state.stopped; ++epoch) {
    const auto t_epoch = Clock::now();
    torch::manual_seed(rank_seed(stream_seed(seed, epoch, /*purpose=*/1), comm.rank()));  // dropout
    BatchLoader loader(run.data.cache, run.data.train, loading,
                       stream_seed(seed, epoch, /*purpose=*/2));
    const TrainCallbacks none;
    const EpochTotals t = reduce_totals(
        comm, train_epoch(net, optimizer, ema, loader, opt, features, schedule, state.step,
                          epoch + 1, comm.is_root() ? run.callbacks : none, reduce_gradients));
    const double train_seconds = seconds_since(t_epoch);

    EpochMetrics m;
    m.member = state.member;
    m.n_members = n_members;
    m.epoch = epoch + 1;
    m.n_epochs = opt.epochs;
    m.loss = t.loss_sum / static_cast<double>(t.seen);
    m.train_seg_acc = static_cast<double>(t.hits) / static_cast<double>(t.seen);
    m.lr = t.lr;
    m.windows_per_s = static_cast<double>(t.seen) / train_seconds;
    judge_epoch(run, average, best, state, epoch, m);
    m.seconds = seconds_since(t_epoch);
    state.history.push_back(m.to_json());
    state.next_epoch = epoch + 1;
    if (!comm.is_root()) continue;
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
      module_tensors(run.data.valid.empty() ? average : best, features, n_labels));
  state.finished_records.push_back(record);
  state.history = nlohmann::json::array();
}

}  // namespace genrec
