// Training throughput of the default CNN: windows per second of the full training step
// (background loader cutting + augmenting cache windows, forward, backward, AdamW, EMA), and
// of the compute alone on one reused batch (what the Python peer in scripts/bench_train.sh
// measures). Also reports the feature cache's size and this process's peak RSS.
// Usage: bench_train [--data DIR] [--cache DIR] [--threads 2] [--steps 30] [--rounds 3]
//        [--in-memory]
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "data/band_stats.h"
#include "data/batch_loader.h"
#include "data/dataset.h"
#include "data/feature_cache.h"
#include "data/synth.h"
#include "median.h"
#include "model/train_config.h"
#include "train/allocator_tuning.h"
#include "train/train_step.h"
#include "train/weight_average.h"

namespace {

using Clock = std::chrono::steady_clock;

long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace genrec;
  std::string data_dir = std::string(GENREC_SOURCE_DIR) + "/../shared/data/gtzan-mini";
  std::string cache_dir;
  std::string config_path;
  int threads = 2, steps = 30, rounds = 3, warmup = 5;
  CLI::App app{"genrec training throughput benchmark"};
  app.add_option("--data", data_dir,
                 "Dataset (default ../shared/data/gtzan-mini; synthetic if absent)");
  app.add_option("--cache", cache_dir, "Feature cache directory (default: a temporary one)");
  app.add_option("--config", config_path, "TOML config (default: built-in defaults)");
  app.add_option("--threads", threads, "Torch intra-op threads");
  app.add_option("--steps", steps, "Timed steps per round");
  app.add_option("--rounds", rounds, "Timed rounds (median and best are reported)");
  app.add_option("--warmup", warmup, "Untimed steps first");
  bool in_memory = false;
  app.add_flag("--in-memory", in_memory,
               "Read the whole cache into memory first (the cache before shards) instead of "
               "reading the mapped shards");
  bool default_malloc = false;
  app.add_flag("--default-malloc", default_malloc, "Keep glibc's default malloc settings");
  CLI11_PARSE(app, argc, argv);
  if (!default_malloc) tune_allocator_for_tensors();  // as `genrec train` does

  try {
    const std::filesystem::path scratch = std::filesystem::temp_directory_path() /
                                          ("genrec-bench-train-" + std::to_string(::getpid()));
    if (!std::filesystem::exists(data_dir)) {
      std::cerr << "no dataset at " << data_dir << "; using synthetic songs\n";
      data_dir = (scratch / "synth").string();
      write_synthetic_dataset(data_dir,
                              SynthOptions{/*per_genre=*/8, /*seconds=*/30.0, /*seed=*/1});
    }
    if (cache_dir.empty()) cache_dir = (scratch / "cache").string();
    RunConfig config = config_path.empty() ? RunConfig{} : load_run_config(config_path);
    const TrainOptions& opt = config.train;

    const auto t_cache = Clock::now();
    const Dataset data = scan_dataset(data_dir);
    FeatureCache cache = FeatureCache::open_or_build(data, config.features, cache_dir, threads);
    if (in_memory) cache.load_into_memory();
    const double cache_s = std::chrono::duration<double>(Clock::now() - t_cache).count();
    std::vector<int> songs;
    std::size_t cache_frames = 0;
    for (const auto& s : cache.songs()) {
      songs.push_back(s.song);
      cache_frames += s.n_frames;
    }

    torch::set_num_threads(threads);
    torch::manual_seed(1);
    const int n_mels = config.features.n_mels;
    const int n_frames = static_cast<int>(config.features.frames_per_segment());
    const int n_labels = static_cast<int>(cache.labels().size());
    GenreCnn net(config.model, config.features, n_labels);
    const BandStats stats = band_stats(cache, songs);
    net->set_normalization(stats.mean, stats.std);
    GenreCnn average(config.model, config.features, n_labels);
    copy_weights(average, net);
    WeightAverage ema(average, opt.ema_decay);
    torch::optim::AdamW optimizer(
        net->parameters(), torch::optim::AdamWOptions(opt.lr).weight_decay(opt.weight_decay));
    net->train();

    const LoaderOptions lo = loader_options(opt, config.features.top_db, stats.mean);

    // The full step: batches come from the background loader, epoch after epoch.
    std::uint64_t epoch = 0;
    std::int64_t step = 0;
    auto loader = std::make_unique<BatchLoader>(cache, songs, lo, epoch);
    auto full_steps = [&](int n) {
      std::int64_t windows = 0;
      TrainBatch batch;
      for (int i = 0; i < n; ++i) {
        if (!loader->next(batch)) {
          loader = std::make_unique<BatchLoader>(cache, songs, lo, ++epoch);
          loader->next(batch);
        }
        train_step(net, optimizer, batch, n_mels, n_frames, opt.lr, loss_options(opt));
        ema.update(net, step++);
        windows += static_cast<std::int64_t>(batch.size);
      }
      return windows;
    };
    full_steps(warmup);
    std::vector<double> full;
    for (int r = 0; r < rounds; ++r) {
      const auto t0 = Clock::now();
      const std::int64_t windows = full_steps(steps);
      full.push_back(windows / std::chrono::duration<double>(Clock::now() - t0).count());
    }

    // Compute alone: one batch reused, no loader, no EMA (the Python peer's measurement).
    TrainBatch fixed;
    {
      BatchLoader one(cache, songs, lo, /*seed=*/12345);
      one.next(fixed);
    }
    TrainBatch work = fixed;
    for (int i = 0; i < warmup; ++i)
      train_step(net, optimizer, work, n_mels, n_frames, opt.lr, loss_options(opt));
    std::vector<double> compute;
    for (int r = 0; r < rounds; ++r) {
      const auto t0 = Clock::now();
      for (int i = 0; i < steps; ++i)
        train_step(net, optimizer, work, n_mels, n_frames, opt.lr, loss_options(opt));
      compute.push_back(static_cast<double>(steps) * work.size /
                        std::chrono::duration<double>(Clock::now() - t0).count());
    }

    // The loader alone (one thread producing while nobody trains).
    const auto t_loader = Clock::now();
    std::int64_t loader_windows = 0;
    for (int e = 0; e < 3; ++e) {
      BatchLoader l(cache, songs, lo, 1000 + e);
      TrainBatch b;
      while (l.next(b)) loader_windows += static_cast<std::int64_t>(b.size);
    }
    const double loader_rate =
        loader_windows / std::chrono::duration<double>(Clock::now() - t_loader).count();

    const std::uint64_t cache_bytes = cache.bytes();
    std::cout << "torch_version " << TORCH_VERSION << "\n"
              << "threads " << threads << "\n"
              << "batch_size " << opt.batch_size << "\n"
              << "arch " << config.model.to_json().dump() << "\n"
              << "parameters " << net->n_parameters() << "\n"
              << "songs " << songs.size() << "\n"
              << "cache_reading " << (in_memory ? "in_memory" : "mapped") << "\n"
              << "cache_seconds " << cache_s << "\n"
              << "cache_bytes " << cache_bytes << "\n"
              << "cache_frames " << cache_frames << "\n"
              << "crops_per_song " << opt.crops_per_song << "\n"
              << "train_windows_per_s " << median(full) << "\n"
              << "train_windows_per_s_best " << *std::max_element(full.begin(), full.end()) << "\n"
              << "compute_windows_per_s " << median(compute) << "\n"
              << "compute_windows_per_s_best " << *std::max_element(compute.begin(), compute.end())
              << "\n"
              << "loader_windows_per_s " << loader_rate << "\n"
              << "peak_rss_kb " << peak_rss_kb() << "\n";
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
  } catch (const std::exception& e) {
    std::cerr << "bench_train: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
