// genrec preprocess --data DIR --cache DIR: decode every song once into the feature cache
// that training reads.
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "audio/feature_config_toml.h"
#include "commands.h"
#include "data/dataset.h"
#include "data/feature_cache.h"

namespace genrec::cli {
namespace {
struct PreprocessOptions {
  std::string data;
  std::string cache;
  std::string config;
  bool force = false;
};

void run_preprocess(const PreprocessOptions& o, int threads) {
  const auto t0 = std::chrono::steady_clock::now();
  const FeatureConfig config = o.config.empty() ? FeatureConfig{} : load_feature_config(o.config);
  config.validate();
  const Dataset data = scan_dataset(o.data);
  spdlog::info("dataset {}: {} songs in {} genres", data.root, data.songs.size(),
               data.labels.size());
  const FeatureCache cache = o.force ? FeatureCache::build(data, config, o.cache, threads)
                                     : FeatureCache::open_or_build(data, config, o.cache, threads);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(cache.path(), ec);
  spdlog::info("songs: {} cached, {} skipped", cache.songs().size(), cache.skipped().size());
  for (const SkippedSong& s : cache.skipped())
    spdlog::info("  skipped {}: {}", s.rel_path, s.cause);
  spdlog::info("segments: {} training windows of {} frames (hop {} s)", cache.n_train_segments(),
               config.frames_per_segment(), config.train_hop_seconds);
  spdlog::info("cache: {} ({:.1f} MiB), {:.1f} s", cache.path(),
               ec ? 0.0 : static_cast<double>(bytes) / (1024.0 * 1024.0), secs);
}
}  // namespace

void setup_preprocess(CLI::App& app, const GlobalOptions& global) {
  auto opt = std::make_shared<PreprocessOptions>();
  CLI::App* cmd = app.add_subcommand(
      "preprocess", "Decode a dataset once into a float16 log-Mel cache for training");
  cmd->footer(
      "The cache file is named after the feature configuration and the dataset's files; a run "
      "with the same ones reuses it, any change builds a new one.\n"
      "Example: genrec preprocess --data gtzan --cache cache/ --config configs/default.toml");
  cmd->add_option("--data", opt->data, "Dataset directory (genres_original/, genres/ or <genre>/)")
      ->required();
  cmd->add_option("--cache", opt->cache, "Cache directory (created if needed)")->required();
  cmd->add_option("--config", opt->config, "TOML config whose [features] table is used")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--force", opt->force, "Rebuild even when a matching cache exists");
  cmd->callback([opt, &global] { run_preprocess(*opt, global.resolved_threads()); });
}

}  // namespace genrec::cli
