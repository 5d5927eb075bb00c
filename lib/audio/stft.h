#pragma once
// Short-time Fourier transform as librosa.stft (librosa < 0.9 defaults): periodic Hann
// window of n_fft, hop_length, center=True with reflect padding of n_fft/2 on both sides.
// Spectrogram layout everywhere in genrec_audio: frame-major, [n_frames][n_fft/2+1].
#include <complex>
#include <cstddef>
#include <vector>

#include "audio/fft.h"

namespace genrec {

// Periodic Hann window (scipy.signal.get_window("hann", n, fftbins=True)).
std::vector<float> hann_window(int n);
// numpy.pad(x, pad, mode="reflect") for any pad length (reflection repeats for short x).
std::vector<float> reflect_pad(const float* x, std::size_t n, std::size_t pad);

class Stft {
 public:
  Stft(int n_fft, int hop_length);

  int n_fft() const { return n_fft_; }
  int hop_length() const { return hop_; }
  int n_bins() const { return n_fft_ / 2 + 1; }
  // 1 + n / hop_length for center=True.
  std::size_t n_frames(std::size_t n_samples) const;

  // Complex STFT, out resized to [n_frames][n_bins].
  void complex(const float* x, std::size_t n, std::vector<std::complex<float>>& out);
  // |STFT|^exponent (2 = power, 1 = magnitude), out resized to [n_frames][n_bins].
  void spectrogram(const float* x, std::size_t n, float exponent, std::vector<float>& out);

 private:
  // Calls fn(frame_index, bins) for each frame of the padded signal.
  template <typename Fn>
  void for_each_frame(const float* x, std::size_t n, Fn&& fn);

  int n_fft_;
  int hop_;
  RealFft fft_;
  std::vector<float> window_;
  std::vector<float> frame_;
  std::vector<std::complex<float>> bins_;
};

}  // namespace genrec
