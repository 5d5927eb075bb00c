#include "data/augment.h"

#include <algorithm>
#include <cmath>

namespace genrec {

double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);  // 53 bits / 2^53
}

std::uint64_t uniform_index(std::mt19937_64& rng, std::uint64_t n) {
  return n <= 1 ? 0 : static_cast<std::uint64_t>(uniform01(rng) * static_cast<double>(n));
}

namespace {

// A noise floor at one level per window (AugmentOptions::noise_prob); powers add.
void add_noise_floor(float* x, std::size_t n, double min_db, double top_db, std::mt19937_64& rng) {
  const double max_db = *std::max_element(x, x + n);
  const double below = min_db + uniform01(rng) * std::max(0.0, top_db - min_db);
  for (std::size_t i = 0; i < n; ++i) {
    const double noise_db = max_db - below + (6 * uniform01(rng) - 3);
    // 10 log10(10^(x/10) + 10^(noise/10)), computed from the larger term.
    const double hi = std::max<double>(x[i], noise_db);
    const double lo = std::min<double>(x[i], noise_db);
    x[i] = static_cast<float>(hi + 10 * std::log10(1 + std::pow(10.0, (lo - hi) / 10)));
  }
}

// Quiet bins move by up to +-jitter_db times their quietness (AugmentOptions::quiet_jitter_db);
// bins at the front end's floor (max - top_db: silence) stay there, as they would.
void jitter_quiet_bins(float* x, std::size_t n, double jitter_db, double top_db,
                       std::mt19937_64& rng) {
  const float max_db = *std::max_element(x, x + n);
  const auto floor_db = static_cast<float>(max_db - top_db);
  for (std::size_t i = 0; i < n; ++i) {
    const double quiet = std::clamp((max_db - x[i] - 30.0) / 30.0, 0.0, 1.0);
    const double offset = (2 * uniform01(rng) - 1) * jitter_db;
    if (x[i] > floor_db) x[i] = std::max(floor_db, x[i] + static_cast<float>(quiet * offset));
  }
}

// Band limiting from `cutoff` up (AugmentOptions::lowpass_prob).
void band_limit(float* x, int n_mels, int n_frames, int cutoff, int slope_bands, double top_db) {
  const std::size_t n = static_cast<std::size_t>(n_mels) * n_frames;
  // ref: power_to_db(top_db): a band with no energy (above a low-rate source's Nyquist) is
  // floored at exactly max - top_db, below the window's usual minimum.
  const float floor_db = *std::max_element(x, x + n) - static_cast<float>(top_db);
  std::fill(x + static_cast<std::size_t>(cutoff) * n_frames, x + n, floor_db);
  // The anti-aliasing filter's slope: the bands just below the cutoff lose a growing share
  // of top_db (k of slope + 1 for the k-th band below it, counted from the lowest).
  const int slope = std::min(slope_bands, cutoff);
  for (int k = 1; k <= slope; ++k) {
    const int band = cutoff - slope - 1 + k;
    const auto cut = static_cast<float>(top_db * k / (slope + 1));
    float* row = x + static_cast<std::size_t>(band) * n_frames;
    for (int t = 0; t < n_frames; ++t) row[t] = std::max(floor_db, row[t] - cut);
  }
}

}  // namespace

// ref: Park et al. 2019, SpecAugment (frequency and time masking; no time warping).
bool augment_window(float* x, int n_mels, int n_frames, const AugmentOptions& options,
                    double top_db, const std::vector<float>& fill, std::mt19937_64& rng,
                    bool apply_lowpass) {
  const std::size_t n = static_cast<std::size_t>(n_mels) * n_frames;
  if (options.noise_prob > 0 && uniform01(rng) < options.noise_prob)
    add_noise_floor(x, n, options.noise_min_db, top_db, rng);
  if (options.quiet_jitter_db > 0) jitter_quiet_bins(x, n, options.quiet_jitter_db, top_db, rng);
  bool lowpassed = false;
  if (options.lowpass_prob > 0 && options.lowpass_min_band < n_mels &&
      uniform01(rng) < options.lowpass_prob) {
    lowpassed = true;
    const int lo = std::max(1, options.lowpass_min_band);
    const int cutoff =
        lo + static_cast<int>(uniform_index(rng, static_cast<std::uint64_t>(n_mels - lo)));
    if (apply_lowpass) band_limit(x, n_mels, n_frames, cutoff, options.lowpass_slope_bands, top_db);
  }
  if (options.freq_shift_max > 0) {
    const int shift = static_cast<int>(uniform_index(rng, 2 * options.freq_shift_max + 1)) -
                      options.freq_shift_max;
    if (shift != 0) {
      // Row b takes row b - shift, clamped to the edges; rows are copied in an order that reads
      // each source before it is overwritten.
      auto row = [&](int b) { return x + static_cast<std::size_t>(b) * n_frames; };
      if (shift > 0) {
        for (int b = n_mels - 1; b >= 0; --b)
          std::copy(row(std::max(0, b - shift)), row(std::max(0, b - shift)) + n_frames, row(b));
      } else {
        for (int b = 0; b < n_mels; ++b)
          std::copy(row(std::min(n_mels - 1, b - shift)),
                    row(std::min(n_mels - 1, b - shift)) + n_frames, row(b));
      }
    }
  }
  if (options.eq_tilt_db > 0 || options.eq_bump_db > 0) {
    const double tilt = (2 * uniform01(rng) - 1) * options.eq_tilt_db;
    const double bump = (2 * uniform01(rng) - 1) * options.eq_bump_db;
    const double center = uniform01(rng) * n_mels;
    const double width = 4.0 + uniform01(rng) * std::max(0.0, n_mels / 4.0 - 4.0);
    for (int b = 0; b < n_mels; ++b) {
      const double d = (b - center) / width;
      const double slope = n_mels > 1 ? 2.0 * b / (n_mels - 1) - 1.0 : 0.0;
      const auto g = static_cast<float>(tilt * slope + bump * std::exp(-0.5 * d * d));
      float* row = x + static_cast<std::size_t>(b) * n_frames;
      for (int t = 0; t < n_frames; ++t) row[t] += g;
    }
  }
  if (options.gain_db > 0) {
    const float gain = static_cast<float>((2 * uniform01(rng) - 1) * options.gain_db);
    for (std::size_t i = 0; i < n; ++i) x[i] += gain;
  }
  auto fill_of = [&](int band) { return band < static_cast<int>(fill.size()) ? fill[band] : 0.0f; };
  for (int m = 0; m < options.freq_masks; ++m) {
    const int width = static_cast<int>(uniform_index(rng, options.freq_mask_max + 1));
    const int start = static_cast<int>(uniform_index(rng, std::max(1, n_mels - width + 1)));
    for (int b = start; b < std::min(n_mels, start + width); ++b)
      std::fill(x + static_cast<std::size_t>(b) * n_frames,
                x + static_cast<std::size_t>(b + 1) * n_frames, fill_of(b));
  }
  for (int m = 0; m < options.time_masks; ++m) {
    const int width = static_cast<int>(uniform_index(rng, options.time_mask_max + 1));
    const int start = static_cast<int>(uniform_index(rng, std::max(1, n_frames - width + 1)));
    for (int b = 0; b < n_mels; ++b) {
      float* row = x + static_cast<std::size_t>(b) * n_frames;
      std::fill(row + start, row + std::min(n_frames, start + width), fill_of(b));
    }
  }
  return lowpassed;
}

}  // namespace genrec
