// genrec preprocess --data DIR --cache DIR [--shard K/N]: decode every song once into the
// feature cache that training reads.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "audio/error.h"
#include "audio/feature_config_toml.h"
#include "commands.h"
#include "data/data_source.h"
#include "data/feature_cache.h"
#include "data_flags.h"
#include "progress_bar.h"

namespace genrec::cli {
namespace {
struct PreprocessOptions {
  DataOptions data;
  std::string cache;
  std::string config;
  std::string shard;  // "K/N"
  bool force = false;
};

ShardSelection parse_shard(const std::string& text) {
  ShardSelection s;
  char tail = 0;
  if (text.empty()) return s;
  if (std::sscanf(text.c_str(), "%d/%d%c", &s.index, &s.count, &tail) != 2 || s.count < 1 ||
      s.index < 0 || s.index >= s.count)
    throw Error("preprocess", "--shard " + text, "expected K/N with 0 <= K < N, e.g. 0/2");
  return s;
}

void run_preprocess(const PreprocessOptions& o, int threads, bool quiet) {
  const FeatureConfig config = o.config.empty() ? FeatureConfig{} : load_feature_config(o.config);
  config.validate();
  const ShardSelection selection = parse_shard(o.shard);
  const Dataset data = load_dataset(o.data);
  spdlog::info(
      "dataset {}: {} songs in {} labels{}", data.root, data.songs.size(), data.labels.size(),
      data.skipped.empty() ? std::string()
                           : fmt::format(", {} listed files missing", data.skipped.size()));
  ProgressBar bar(quiet, "songs");
  const CacheBuildReport r = FeatureCache::build_missing(
      data, config, o.cache, threads, selection, o.force,
      [&bar](std::size_t done, std::size_t total) { bar.update("preprocess", done, total); });
  bar.clear();
  spdlog::info(
      "shards: {} of {} are this run's ({}); {} were already built, {} built now "
      "({} songs, {} skipped) in {:.1f} s",
      r.n_selected, r.n_shards, o.shard.empty() ? "all" : "--shard " + o.shard, r.n_present,
      r.n_built, r.n_songs_built, r.n_skipped_built, r.seconds);
  if (selection.count > 1) return;  // other processes build the other shards
  const FeatureCache cache = FeatureCache::open(data, config, o.cache);
  spdlog::info("songs: {} cached, {} skipped", cache.songs().size(), cache.skipped().size());
  spdlog::info("segments: {} training windows of {} frames (hop {} s)", cache.n_train_segments(),
               config.frames_per_segment(), config.train_hop_seconds);
  spdlog::info("cache: {} ({} shards, {:.1f} MiB)", cache.dir(), cache.n_shards(),
               static_cast<double>(cache.bytes()) / (1024.0 * 1024.0));
}
}  // namespace

void setup_preprocess(CLI::App& app, const GlobalOptions& global) {
  auto opt = std::make_shared<PreprocessOptions>();
  CLI::App* cmd = app.add_subcommand(
      "preprocess", "Decode a dataset once into a float16 log-Mel cache for training");
  cmd->footer(
      "The cache is a folder of shard files named after the feature configuration and their "
      "songs' files; a run builds only the shards that are missing (an interrupted run resumes), "
      "any change of features or files builds new ones.\n"
      "Example: genrec preprocess --data gtzan --cache cache/ --config configs/default.toml\n"
      "         genrec preprocess --data fma_metadata/tracks.csv --audio fma_small --cache c/ "
      "--shard 0/2   (and --shard 1/2 in a second process or on a second machine)");
  add_data_options(cmd, opt->data);
  cmd->add_option("--cache", opt->cache, "Cache directory (created if needed)")->required();
  cmd->add_option("--config", opt->config, "TOML config whose [features] table is used")
      ->check(CLI::ExistingFile);
  cmd->add_option("--shard", opt->shard,
                  "Build only shards K, K+N, K+2N, ... (K/N; N processes build disjoint shards)");
  cmd->add_flag("--force", opt->force, "Rebuild shards even when they are already built");
  cmd->callback([opt, &global] { run_preprocess(*opt, global.resolved_threads(), global.quiet); });
}

}  // namespace genrec::cli
