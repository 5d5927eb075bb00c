#include "data/band_stats.h"

#include <algorithm>
#include <cmath>

#include "audio/error.h"

namespace genrec {

BandStats band_stats(const FeatureCache& cache, const std::vector<int>& songs,
                     bool relative_to_max) {
  const FeatureConfig& config = cache.config();
  const int n_mels = config.n_mels;
  const std::size_t n_frames = config.frames_per_segment();
  std::vector<double> sum(n_mels, 0.0), sum_sq(n_mels, 0.0);
  std::vector<float> window(static_cast<std::size_t>(n_mels) * n_frames);
  std::size_t count = 0;
  for (int song : songs) {
    const SongFeatures* f = cache.find(song);
    if (!f) continue;
    for (std::size_t offset : train_frame_offsets(*f, config)) {
      cut_segment(*f, offset, config, window.data());
      if (relative_to_max) {
        const float peak = *std::max_element(window.begin(), window.end());
        for (float& v : window) v -= peak;
      }
      for (int b = 0; b < n_mels; ++b) {
        const float* row = window.data() + static_cast<std::size_t>(b) * n_frames;
        for (std::size_t t = 0; t < n_frames; ++t) {
          sum[b] += row[t];
          sum_sq[b] += static_cast<double>(row[t]) * row[t];
        }
      }
      count += n_frames;
    }
  }
  if (count == 0) throw Error("data", "stats", "no training windows");
  BandStats stats;
  stats.mean.resize(n_mels);
  stats.std.resize(n_mels);
  for (int b = 0; b < n_mels; ++b) {
    const double mean = sum[b] / static_cast<double>(count);
    const double var = std::max(0.0, sum_sq[b] / static_cast<double>(count) - mean * mean);
    stats.mean[b] = static_cast<float>(mean);
    stats.std[b] = static_cast<float>(std::max(std::sqrt(var), 1e-3));
  }
  return stats;
}

}  // namespace genrec
