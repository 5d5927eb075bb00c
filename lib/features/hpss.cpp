#include "features/hpss.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "audio/error.h"
#include "features/magnitude.h"

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

void check_size(int size) {
  if (size < 1 || size % 2 == 0) throw Error("hpss", "kernel_size", "must be odd and >= 1");
}
}  // namespace

void median_filter_valid(const float* ext, std::size_t n_out, int size, float* out) {
  check_size(size);
  if (n_out == 0) return;
  const int half = size / 2;
  // A sorted copy of the window. Each step finds, by counting (branch-free, vectorisable),
  // where the leaving sample sits and where the entering one belongs, and shifts the values
  // between by one place.
  float stack_window[256];
  std::vector<float> heap_window;
  float* w = stack_window;
  if (size > 256) {
    heap_window.resize(static_cast<std::size_t>(size));
    w = heap_window.data();
  }
  std::copy(ext, ext + size, w);
  std::sort(w, w + size);
  for (std::size_t i = 0;; ++i) {
    out[i] = w[half];
    if (i + 1 == n_out) break;
    const float leaving = ext[i];
    const float entering = ext[i + static_cast<std::size_t>(size)];
    int p = 0, q = 0;  // first index of `leaving`; count of values <= `entering`
    for (int j = 0; j < size; ++j) {
      p += w[j] < leaving;
      q += w[j] <= entering;
    }
    if (q > p) {  // entering >= leaving: close the gap at p, insert at q - 1
      for (int j = p; j < q - 1; ++j) w[j] = w[j + 1];
      w[q - 1] = entering;
    } else {  // entering < leaving: open a gap at q
      for (int j = p; j > q; --j) w[j] = w[j - 1];
      w[q] = entering;
    }
  }
}

void median_filter_1d(const float* x, std::size_t n, std::size_t stride, int size, float* out) {
  check_size(size);
  if (n == 0) return;
  const long long half = size / 2;
  std::vector<float> ext(n + 2 * static_cast<std::size_t>(half));
  for (long long j = -half; j < static_cast<long long>(n) + half; ++j)
    ext[static_cast<std::size_t>(j + half)] = x[reflect_index(j, n) * stride];
  median_filter_valid(ext.data(), n, size, out);
}

Hpss::Hpss(int n_fft, int kernel_size) : n_bins_(n_fft / 2 + 1), kernel_size_(kernel_size) {
  check_size(kernel_size);
}

void Hpss::separate(const std::complex<float>* D, std::size_t first_frame, std::size_t n_frames,
                    std::size_t total_frames, std::size_t t_begin, std::size_t t_end,
                    std::vector<std::complex<float>>& harmonic,
                    std::vector<std::complex<float>>& percussive) {
  const std::size_t nb = static_cast<std::size_t>(n_bins_);
  const long long ctx = static_cast<long long>(context_frames());
  const std::size_t n_out = t_end - t_begin;
  if (t_end < t_begin || t_end > total_frames) throw Error("hpss", "frames", "bad frame range");
  // The context the median needs, mirrored at the true ends 0 and total_frames - 1.
  const long long lo = static_cast<long long>(t_begin) - ctx;
  const long long hi = static_cast<long long>(t_end) + ctx;
  std::size_t need_lo = total_frames, need_hi = 0;
  for (long long t = lo; t < hi; ++t) {
    const std::size_t r = reflect_index(t, total_frames);
    need_lo = std::min(need_lo, r);
    need_hi = std::max(need_hi, r + 1);
  }
  if (n_out > 0 && (need_lo < first_frame || need_hi > first_frame + n_frames))
    throw Error("hpss", "frames", "block lacks the median filter's context");

  // ref: librosa.decompose.hpss: S = |D| (core.magphase); harm = median_filter(S, size=(1, k))
  // across time, perc = median_filter(S, size=(k, 1)) across frequency, mode "reflect".
  mag_.resize(n_frames * nb);
  for (std::size_t i = 0; i < n_frames * nb; ++i) mag_[i] = magnitude(D[i]);
  harm_.resize(n_out * nb);
  perc_.resize(n_out * nb);
  const std::size_t ext_len = static_cast<std::size_t>(hi - lo);
  ext_.resize(ext_len);
  line_.resize(n_out);
  for (std::size_t k = 0; k < nb; ++k) {
    for (long long t = lo; t < hi; ++t)
      ext_[static_cast<std::size_t>(t - lo)] =
          mag_[(reflect_index(t, total_frames) - first_frame) * nb + k];
    median_filter_valid(ext_.data(), n_out, kernel_size_, line_.data());
    for (std::size_t i = 0; i < n_out; ++i) harm_[i * nb + k] = line_[i];
  }
  ext_.resize(std::max(ext_len, nb + 2 * static_cast<std::size_t>(ctx)));
  for (std::size_t i = 0; i < n_out; ++i) {
    const float* frame = mag_.data() + (t_begin + i - first_frame) * nb;
    for (long long k = -ctx; k < static_cast<long long>(nb) + ctx; ++k)
      ext_[static_cast<std::size_t>(k + ctx)] = frame[reflect_index(k, nb)];
    median_filter_valid(ext_.data(), nb, kernel_size_, perc_.data() + i * nb);
  }

  harmonic.resize(n_out * nb);
  percussive.resize(n_out * nb);
  for (std::size_t i = 0; i < n_out; ++i) {
    const std::complex<float>* d = D + (t_begin + i - first_frame) * nb;
    for (std::size_t k = 0; k < nb; ++k) {
      // margin 1: both masks split zeros; (S * mask) * phase is mask * D.
      const float h = harm_[i * nb + k], p = perc_[i * nb + k];
      harmonic[i * nb + k] = d[k] * softmask(h, p);
      percussive[i * nb + k] = d[k] * softmask(p, h);
    }
  }
}

}  // namespace genrec
