#include "audio/stft.h"

#include <cmath>

#include "audio/error.h"

namespace genrec {

std::vector<float> hann_window(int n) {
  std::vector<float> w(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) w[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * M_PI * i / n));
  return w;
}

std::vector<float> reflect_pad(const float* x, std::size_t n, std::size_t pad) {
  if (n == 0) throw Error("stft", "input", "no samples to pad");
  std::vector<float> out(n + 2 * pad);
  // Reflection without repeating the edge has period 2(n-1).
  const long long period = n > 1 ? 2 * static_cast<long long>(n - 1) : 1;
  for (std::size_t i = 0; i < out.size(); ++i) {
    long long j = static_cast<long long>(i) - static_cast<long long>(pad);
    j %= period;
    if (j < 0) j += period;
    if (j >= static_cast<long long>(n)) j = period - j;
    out[i] = x[j];
  }
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
  // ref: librosa.stft(center=True, pad_mode="reflect") pads n_fft//2 on each side.
  padded_ = reflect_pad(x, n, static_cast<std::size_t>(n_fft_ / 2));
  const std::size_t frames = n_frames(n);
  for (std::size_t t = 0; t < frames; ++t) {
    const float* src = padded_.data() + t * static_cast<std::size_t>(hop_);
    for (int i = 0; i < n_fft_; ++i) frame_[i] = src[i] * window_[i];
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
    for (std::size_t k = 0; k < nb; ++k) {
      float p = b[k].real() * b[k].real() + b[k].imag() * b[k].imag();
      dst[k] = exponent == 2.0f ? p : exponent == 1.0f ? std::sqrt(p) : std::pow(p, exponent / 2);
    }
  });
}

}  // namespace genrec
