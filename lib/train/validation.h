#pragma once
// Song-level validation of a network on the feature cache, once per epoch.
#include <cstdint>
#include <vector>

#include "data/feature_cache.h"
#include "train/cnn.h"

namespace genrec {

// Sums over the validated songs' windows and songs, so that parts validated apart add up.
struct ValidTotals {
  double loss_sum = 0;  // -log p(label) summed over windows
  std::int64_t n_windows = 0, seg_hits = 0, n_songs = 0, song_hits = 0;
};

struct ValidScores {
  double loss = 0, seg_acc = 0, song_acc = 0;
};

// In eval mode, on cache windows at non-overlapping offsets (the segments predict would use,
// cut from the whole-clip features); a song's probabilities are the mean over its windows.
ValidTotals validate(GenreCnn& net, const FeatureCache& cache, const std::vector<int>& songs,
                     int batch_size);
// Mean window loss, window accuracy and song accuracy of the totals (0 where empty).
ValidScores valid_scores(const ValidTotals& totals);

}  // namespace genrec
