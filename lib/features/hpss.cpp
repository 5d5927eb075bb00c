#include "features/hpss.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "audio/error.h"

namespace genrec {
namespace {
// scipy.ndimage "reflect": half-sample symmetric extension, periodic with period 2n.
std::size_t reflect_index(long long i, std::size_t n) {
  const long long len = static_cast<long long>(n);
  if (i >= 0 && i < len) return static_cast<std::size_t>(i);
  const long long period = 2 * len;
  i %= period;
  if (i < 0) i += period;
  if (i >= len) i = period - 1 - i;
  return static_cast<std::size_t>(i);
}

// ref: librosa.util.softmask(X, X_ref, power=2, split_zeros=True)
float softmask(float x, float x_ref) {
  const float z = std::max(x, x_ref);
  if (z < std::numeric_limits<float>::min()) return 0.5f;
  const float a = x / z, b = x_ref / z;
  const float m = a * a, r = b * b;
  return m / (m + r);
}
}  // namespace

void median_filter_1d(const float* x, std::size_t n, std::size_t stride, int size, float* out) {
  if (size < 1 || size % 2 == 0) throw Error("hpss", "kernel_size", "must be odd and >= 1");
  if (n == 0) return;
  const long long half = size / 2;
  const long long len = static_cast<long long>(n);
  // The sequence with its reflected margins, contiguous.
  std::vector<float> ext(n + 2 * static_cast<std::size_t>(half));
  for (long long j = -half; j < len + half; ++j)
    ext[static_cast<std::size_t>(j + half)] = x[reflect_index(j, n) * stride];
  // A sorted copy of the window; each step overwrites the leaving sample with the entering one
  // and moves it to its place (the window is small, so this beats a heap or a tree).
  std::vector<float> window(ext.begin(), ext.begin() + size);
  std::sort(window.begin(), window.end());
  const std::size_t last = static_cast<std::size_t>(size) - 1;
  for (std::size_t i = 0;; ++i) {
    out[i] = window[static_cast<std::size_t>(half)];
    if (i + 1 == n) break;
    const float leaving = ext[i];
    const float entering = ext[i + static_cast<std::size_t>(size)];
    std::size_t p = static_cast<std::size_t>(
        std::lower_bound(window.begin(), window.end(), leaving) - window.begin());
    while (p < last && window[p + 1] < entering) {
      window[p] = window[p + 1];
      ++p;
    }
    while (p > 0 && window[p - 1] > entering) {
      window[p] = window[p - 1];
      --p;
    }
    window[p] = entering;
  }
}

Hpss::Hpss(int n_fft, int hop_length, int kernel_size)
    : kernel_size_(kernel_size), istft_(n_fft, hop_length) {
  if (kernel_size < 1 || kernel_size % 2 == 0)
    throw Error("hpss", "kernel_size", "must be odd and >= 1");
}

void Hpss::separate(const std::complex<float>* D, std::size_t n_frames,
                    std::vector<std::complex<float>>& harmonic,
                    std::vector<std::complex<float>>& percussive) {
  const std::size_t nb = static_cast<std::size_t>(istft_.n_bins());
  const std::size_t total = n_frames * nb;
  // ref: librosa.decompose.hpss: S = |D| (core.magphase), harm = median_filter(S, size=(1, k))
  // across time, perc = median_filter(S, size=(k, 1)) across frequency, mode "reflect".
  mag_.resize(total);
  harm_.resize(total);
  perc_.resize(total);
  line_.resize(n_frames);
  for (std::size_t i = 0; i < total; ++i) mag_[i] = std::abs(D[i]);
  for (std::size_t k = 0; k < nb; ++k) {
    median_filter_1d(mag_.data() + k, n_frames, nb, kernel_size_, line_.data());
    for (std::size_t t = 0; t < n_frames; ++t) harm_[t * nb + k] = line_[t];
  }
  for (std::size_t t = 0; t < n_frames; ++t)
    median_filter_1d(mag_.data() + t * nb, nb, 1, kernel_size_, perc_.data() + t * nb);
  harmonic.resize(total);
  percussive.resize(total);
  for (std::size_t i = 0; i < total; ++i) {
    // margin 1: both masks split zeros; (S * mask) * phase is mask * D.
    harmonic[i] = D[i] * softmask(harm_[i], perc_[i]);
    percussive[i] = D[i] * softmask(perc_[i], harm_[i]);
  }
}

void Hpss::signals(const std::complex<float>* D, std::size_t n_frames, std::size_t n,
                   HpssSignals& out) {
  separate(D, n_frames, harmonic_, percussive_);
  // fix_length: the istft is hop * (n_frames - 1) samples long; zero-pad (or trim) to n.
  istft_.inverse(harmonic_.data(), n_frames, out.harmonic);
  istft_.inverse(percussive_.data(), n_frames, out.percussive);
  out.harmonic.resize(n, 0.0f);
  out.percussive.resize(n, 0.0f);
}

}  // namespace genrec
