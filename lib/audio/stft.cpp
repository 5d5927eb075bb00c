#include "audio/stft.h"

#include <algorithm>
#include <cmath>

#include "audio/error.h"

namespace genrec {

std::vector<float> hann_window(int n) {
  std::vector<float> w(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) w[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * M_PI * i / n));
  return w;
}

namespace {
// Index into x (length n) of position i of numpy.pad(x, mode="reflect"), i relative to x[0].
// Reflection without repeating the edge has period 2(n-1).
std::size_t reflect_index(long long i, std::size_t n) {
  const long long period = n > 1 ? 2 * static_cast<long long>(n - 1) : 1;
  i %= period;
  if (i < 0) i += period;
  if (i >= static_cast<long long>(n)) i = period - i;
  return static_cast<std::size_t>(i);
}
}  // namespace

std::vector<float> reflect_pad(const float* x, std::size_t n, std::size_t pad) {
  if (n == 0) throw Error("stft", "input", "no samples to pad");
  std::vector<float> out(n + 2 * pad);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = x[reflect_index(static_cast<long long>(i) - static_cast<long long>(pad), n)];
  return out;
}

Stft::Stft(int n_fft, int hop_length)
    : n_fft_(n_fft), hop_(hop_length), fft_(n_fft), window_(hann_window(n_fft)) {
  if (hop_length < 1) throw Error("stft", "hop_length", "must be >= 1");
  frame_.resize(static_cast<std::size_t>(n_fft));
  bins_.resize(static_cast<std::size_t>(n_bins()));
}

std::size_t Stft::n_frames(std::size_t n_samples) const {
  return 1 + n_samples / static_cast<std::size_t>(hop_);
}

template <typename Fn>
void Stft::for_each_frame(const float* x, std::size_t n, Fn&& fn) {
  if (n == 0) throw Error("stft", "input", "no samples to pad");
  // ref: librosa.stft(center=True, pad_mode="reflect") pads n_fft//2 on each side. Only the
  // few frames that reach past an edge read reflected samples; the rest window x in place,
  // so no padded copy of the whole input is made.
  const long long pad = n_fft_ / 2;
  const std::size_t frames = n_frames(n), len = static_cast<std::size_t>(n_fft_);
  for (std::size_t t = 0; t < frames; ++t) {
    const long long start = static_cast<long long>(t) * hop_ - pad;
    if (start >= 0 && static_cast<std::size_t>(start) + len <= n) {
      const float* src = x + start;
      for (std::size_t i = 0; i < len; ++i) frame_[i] = src[i] * window_[i];
    } else {
      for (std::size_t i = 0; i < len; ++i)
        frame_[i] = x[reflect_index(start + static_cast<long long>(i), n)] * window_[i];
    }
    fft_.forward(frame_.data(), bins_.data());
    fn(t, bins_.data());
  }
}

void Stft::complex(const float* x, std::size_t n, std::vector<std::complex<float>>& out) {
  const std::size_t nb = static_cast<std::size_t>(n_bins());
  out.resize(n_frames(n) * nb);
  for_each_frame(x, n, [&](std::size_t t, const std::complex<float>* b) {
    std::copy(b, b + nb, out.begin() + static_cast<std::ptrdiff_t>(t * nb));
  });
}

void Stft::spectrogram(const float* x, std::size_t n, float exponent, std::vector<float>& out) {
  const std::size_t nb = static_cast<std::size_t>(n_bins());
  out.resize(n_frames(n) * nb);
  for_each_frame(x, n, [&](std::size_t t, const std::complex<float>* b) {
    float* dst = out.data() + t * nb;
    const float* re_im = reinterpret_cast<const float*>(b);  // std::complex is {re, im}
    for (std::size_t k = 0; k < nb; ++k)
      dst[k] = re_im[2 * k] * re_im[2 * k] + re_im[2 * k + 1] * re_im[2 * k + 1];
    if (exponent == 1.0f) {
      for (std::size_t k = 0; k < nb; ++k) dst[k] = std::sqrt(dst[k]);
    } else if (exponent != 2.0f) {
      for (std::size_t k = 0; k < nb; ++k) dst[k] = std::pow(dst[k], exponent / 2);
    }
  });
}

}  // namespace genrec
