#include "train/training_data.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "audio/error.h"
#include "data/data_source.h"
#include "data/split.h"

namespace genrec {
namespace {

std::vector<int> with_features(const FeatureCache& cache, const std::vector<int>& songs) {
  std::vector<int> out;
  for (int s : songs)
    if (cache.find(s)) out.push_back(s);
  return out;
}

}  // namespace

TrainingData prepare_training_data(const TrainRequest& req, const RunConfig& config, int threads,
                                   Communicator& comm) {
  // Rank 0 builds the cache first; the others then open it where it is shared, or build their
  // own (written atomically) where it is not. Building may take long: wait up to a day.
  const auto setup_wait = std::chrono::hours(24);
  Dataset data = load_dataset(req.data);
  const Split split = make_split(data, req.split, req.seed);
  check_disjoint(split);
  const std::string cache_dir =
      req.cache_dir.empty()
          ? (std::filesystem::path(first_source_dir(req.data)) / ".genrec-cache").string()
          : req.cache_dir;
  if (!comm.is_root()) comm.share_from_root("feature cache", "", setup_wait);
  FeatureCache cache = FeatureCache::open_or_build(data, config.features, cache_dir, threads);
  std::vector<FeatureCache> resampled;
  for (int rate : config.train.resample_rates) {
    FeatureConfig via = config.features;
    via.via_rate = rate;
    spdlog::info("train: the songs as heard through {} Hz (resample_rates)", rate);
    resampled.push_back(FeatureCache::open_or_build(data, via, cache_dir, threads));
  }
  if (comm.is_root()) comm.share_from_root("feature cache", "ready", setup_wait);
  std::vector<int> train = with_features(cache, split.train);
  std::vector<int> valid = with_features(cache, split.valid);
  std::vector<int> test = with_features(cache, split.test);
  if (train.empty())
    throw Error("train", describe(req.data), "no training songs in split '" + req.split + "'");
  spdlog::info("train: {} songs ({} valid, {} test, {} skipped), {} labels, {} threads",
               train.size(), valid.size(), test.size(), cache.skipped().size(),
               cache.labels().size(), threads);
  BandStats fill_stats = band_stats(cache, train);
  BandStats input_stats = config.model.input_reference == "window_max"
                              ? band_stats(cache, train, /*relative_to_max=*/true)
                              : fill_stats;
  return TrainingData{std::move(data),       std::move(cache),      std::move(resampled),
                      std::move(train),      std::move(valid),      std::move(test),
                      std::move(fill_stats), std::move(input_stats)};
}

}  // namespace genrec
