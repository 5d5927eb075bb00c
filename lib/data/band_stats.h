#pragma once
// Per-band mean and standard deviation of the training windows: the input normalisation that
// the model stores and applies (and the fill value of the augmentation masks).
#include <vector>

#include "data/feature_cache.h"

namespace genrec {

struct BandStats {
  std::vector<float> mean;  // [n_mels], dB
  std::vector<float> std;   // [n_mels], dB, > 0
};

// Over every training window (train_frame_offsets, floored as cut_segment gives them) of the
// given songs (indices into the dataset); with relative_to_max, of each window minus its maximum
// (the model's "window_max" input). Throws genrec::Error("data", "stats", ...) when empty.
BandStats band_stats(const FeatureCache& cache, const std::vector<int>& songs,
                     bool relative_to_max = false);

}  // namespace genrec
