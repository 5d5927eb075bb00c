#pragma once
// Inverse short-time Fourier transform, the inverse of genrec::Stft (librosa < 0.9 defaults:
// periodic Hann window of n_fft, center=True). Input layout is Stft's, [n_frames][n_fft/2+1].
#include <complex>
#include <cstddef>
#include <vector>

#include "audio/fft.h"

namespace genrec {

class Istft {
 public:
  Istft(int n_fft, int hop_length);
  int n_fft() const { return n_fft_; }
  int n_bins() const { return n_fft_ / 2 + 1; }

  // Overlap-adds the windowed inverse FFT of each frame, divides by the summed squared window
  // and drops the n_fft/2 centring pad at both ends: out gets hop_length * (n_frames - 1) samples.
  // ref: librosa.istft(D, hop_length, window="hann", center=True) (length=None)
  void inverse(const std::complex<float>* stft, std::size_t n_frames, std::vector<float>& out);

 private:
  int n_fft_;
  int hop_;
  RealFft fft_;
  std::vector<float> window_;
  std::vector<float> frame_;
  std::vector<float> sum_;
  std::vector<float> norm_;  // summed squared window for norm_frames_ frames
  std::size_t norm_frames_ = 0;
};

}  // namespace genrec
