#pragma once
// Inverse short-time Fourier transform, the inverse of genrec::Stft (librosa < 0.9 defaults:
// periodic Hann window of n_fft, center=True), computable piece by piece. Spectrogram layout is
// Stft's, [n_frames][n_fft/2+1].
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

  // Output length of the whole inverse of total_frames frames: hop_length * (total_frames - 1).
  std::size_t length(std::size_t total_frames) const;
  // The frames [first, last) that reach output samples [begin, end).
  void frames_for(std::size_t begin, std::size_t end, std::size_t total_frames, std::size_t& first,
                  std::size_t& last) const;

  // Output samples [begin, end) (end <= length(total_frames)) of the inverse of a total_frames
  // spectrogram, given its frames [first_frame, first_frame + n_frames) covering frames_for().
  // Overlap-add of the windowed inverse FFTs divided by the summed squared window, centring
  // pad dropped. ref: librosa.istft(D, hop_length, window="hann", center=True) (length=None)
  void samples(const std::complex<float>* frames, std::size_t first_frame, std::size_t n_frames,
               std::size_t total_frames, std::size_t begin, std::size_t end,
               std::vector<float>& out);

 private:
  int n_fft_;
  int hop_;
  RealFft fft_;
  std::vector<float> window_;
  std::vector<float> frame_;
};

}  // namespace genrec
