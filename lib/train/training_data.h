#pragma once
// The data side of `genrec train`, set up once per run and shared by every ensemble member:
// dataset scan, song split, feature cache, and the training songs' band statistics.
#include <string>
#include <vector>

#include "data/band_stats.h"
#include "data/dataset.h"
#include "data/feature_cache.h"
#include "model/train_config.h"
#include "model/train_request.h"
#include "train/communicator.h"

namespace genrec {

struct TrainingData {
  Dataset data;
  FeatureCache cache;
  // The same songs heard through each of TrainOptions::resample_rates (empty without them).
  std::vector<FeatureCache> resampled;
  std::vector<int> train, valid, test;  // dataset indices of the split's parts, with features
  BandStats fill_stats;                 // raw dB: the masks' fill values
  BandStats input_stats;                // the network's input normalisation
  int n_labels() const { return static_cast<int>(cache.labels().size()); }
};

// Loads request.data (load_dataset), splits it by song (request.split, request.seed), opens or
// builds the feature cache (and its resampled copies) with `threads` workers and measures the
// band statistics (of the originals). Ranks > 0
// open the cache after rank 0 has built it. Throws genrec::Error for a bad dataset or split, or
// one without training songs.
TrainingData prepare_training_data(const TrainRequest& request, const RunConfig& config,
                                   int threads, Communicator& comm);

}  // namespace genrec
