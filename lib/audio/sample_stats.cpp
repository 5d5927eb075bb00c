#include "audio/sample_stats.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace genrec {
namespace {
constexpr std::uint64_t kFnvPrime = 1099511628211ull;
// Below -60 dBFS RMS (after removing the mean) a clip holds no music the model has seen.
constexpr double kSilenceRms = 1e-3;
// A sample at or above this magnitude counts as clipped; more than kClippedShare of them
// means the waveform's peaks are cut off (mastered GTZAN clips stay far below).
constexpr float kClipLevel = 0.999f;
constexpr double kClippedShare = 0.05;

std::uint64_t mix(std::uint64_t h, std::uint64_t v, int n_bytes) {
  for (int i = 0; i < n_bytes; ++i) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= kFnvPrime;
  }
  return h;
}

std::string db_text(double rms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f dBFS", 20.0 * std::log10(std::max(rms, 1e-10)));
  return buf;
}
}  // namespace

void SampleStats::add(const float* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &x[i], sizeof bits);
    hash_ = mix(hash_, bits, 4);
    if (!std::isfinite(x[i])) {
      ++n_nonfinite_;
      continue;
    }
    sum_ += x[i];
    sum_sq_ += static_cast<double>(x[i]) * x[i];
    if (std::fabs(x[i]) >= kClipLevel) ++n_clipped_;
  }
  n_ += n;
}

std::uint64_t SampleStats::fingerprint() const { return mix(hash_, n_, 8); }

std::string fingerprint_to_hex(std::uint64_t fingerprint) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fingerprint));
  return buf;
}

std::string SampleStats::fingerprint_hex() const { return fingerprint_to_hex(fingerprint()); }

std::string SampleStats::warning(std::size_t min_samples, int rate_hz) const {
  if (n_ == 0) return "no audio samples";
  if (n_nonfinite_ > 0) return "the audio holds non-finite samples (NaN or infinity)";
  const double n = static_cast<double>(n_);
  const double mean = sum_ / n;
  const double ac_rms = std::sqrt(std::max(0.0, sum_sq_ / n - mean * mean));
  char buf[160];
  if (ac_rms < kSilenceRms) {
    if (std::fabs(mean) >= kSilenceRms) {
      std::snprintf(buf, sizeof buf, "a constant (DC) offset of %.3g without signal (%s)", mean,
                    db_text(ac_rms).c_str());
      return buf;
    }
    return "silence or near-silence (" + db_text(ac_rms) + " RMS): the genre cannot be judged";
  }
  if (n_ < min_samples) {
    std::snprintf(buf, sizeof buf,
                  "%.2f s is shorter than the %.2f s the model reads (zero-padded)",
                  std::floor(n / rate_hz * 100) / 100,  // down: 2.999 s must not print as 3.00
                  static_cast<double>(min_samples) / rate_hz);
    return buf;
  }
  if (static_cast<double>(n_clipped_) / n > kClippedShare) {
    std::snprintf(buf, sizeof buf, "clipped: %.0f%% of the samples are at full scale",
                  100.0 * static_cast<double>(n_clipped_) / n);
    return buf;
  }
  return "";
}

}  // namespace genrec
