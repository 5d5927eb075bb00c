#include "features/spectral.h"

#include <cmath>
#include <limits>

#include "audio/error.h"

namespace genrec {
namespace {
// librosa.util.normalize(S, norm=1, axis=0): a frame whose L1 norm is below float32's tiny
// value is left unscaled (fill=None), so a silent frame stays zero.
double l1_norm(const float* frame, int n_bins) {
  double total = 0.0;
  for (int k = 0; k < n_bins; ++k) total += std::abs(frame[k]);
  return total < std::numeric_limits<float>::min() ? 1.0 : total;
}

void check(int n_bins, int sample_rate) {
  if (n_bins < 2 || sample_rate <= 0)
    throw Error("spectral", "spectrogram", "needs >= 2 bins and a positive sample rate");
}
}  // namespace

double fft_frequency(int k, int n_bins, int sample_rate) {
  return k * (sample_rate / 2.0 / (n_bins - 1));
}

std::vector<double> spectral_centroid(const float* mag, std::size_t n_frames, int n_bins,
                                      int sample_rate) {
  check(n_bins, sample_rate);
  std::vector<double> out(n_frames);
  for (std::size_t t = 0; t < n_frames; ++t) {
    const float* s = mag + t * static_cast<std::size_t>(n_bins);
    double acc = 0.0;
    for (int k = 0; k < n_bins; ++k) acc += fft_frequency(k, n_bins, sample_rate) * s[k];
    out[t] = acc / l1_norm(s, n_bins);
  }
  return out;
}

std::vector<double> spectral_bandwidth(const float* mag, std::size_t n_frames, int n_bins,
                                       int sample_rate, const std::vector<double>& centroid,
                                       double p) {
  check(n_bins, sample_rate);
  if (centroid.size() != n_frames) throw Error("spectral", "centroid", "needs one value per frame");
  std::vector<double> out(n_frames);
  for (std::size_t t = 0; t < n_frames; ++t) {
    const float* s = mag + t * static_cast<std::size_t>(n_bins);
    double acc = 0.0;
    for (int k = 0; k < n_bins; ++k) {
      const double dev = std::abs(fft_frequency(k, n_bins, sample_rate) - centroid[t]);
      acc += s[k] * (p == 2.0 ? dev * dev : std::pow(dev, p));
    }
    acc /= l1_norm(s, n_bins);
    out[t] = p == 2.0 ? std::sqrt(acc) : std::pow(acc, 1.0 / p);
  }
  return out;
}

std::vector<double> spectral_rolloff(const float* mag, std::size_t n_frames, int n_bins,
                                     int sample_rate, double roll_percent) {
  check(n_bins, sample_rate);
  if (!(roll_percent > 0.0 && roll_percent < 1.0))
    throw Error("spectral", "roll_percent", "must be in (0, 1)");
  std::vector<double> out(n_frames);
  std::vector<float> cumulative(static_cast<std::size_t>(n_bins));
  const float percent = static_cast<float>(roll_percent);
  for (std::size_t t = 0; t < n_frames; ++t) {
    const float* s = mag + t * static_cast<std::size_t>(n_bins);
    // ref: librosa spectral_rolloff: np.cumsum over float32 bins (a running float32 sum),
    // threshold = roll_percent * total in float32, first bin not below it.
    float acc = 0.0f;
    for (int k = 0; k < n_bins; ++k) cumulative[k] = acc += s[k];
    const float threshold = percent * cumulative[n_bins - 1];
    int k = 0;
    while (k < n_bins - 1 && cumulative[k] < threshold) ++k;
    out[t] = fft_frequency(k, n_bins, sample_rate);
  }
  return out;
}

}  // namespace genrec
