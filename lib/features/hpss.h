#pragma once
// Harmonic/percussive source separation of librosa < 0.9: median filtering of the magnitude
// spectrogram across time (harmonic) and across frequency (percussive), soft masks, and the
// inverse STFT back to two signals. Spectrograms are frame-major [n_frames][n_bins].
#include <complex>
#include <cstddef>
#include <vector>

#include "features/istft.h"

namespace genrec {

// Running median of `size` (odd) samples of a sequence x[i * stride], i < n, with
// scipy.ndimage's "reflect" boundary (d c b a | a b c d | d c b a); out is contiguous.
// ref: scipy.ndimage.median_filter(mode="reflect") along one axis
void median_filter_1d(const float* x, std::size_t n, std::size_t stride, int size, float* out);

struct HpssSignals {
  std::vector<float> harmonic;
  std::vector<float> percussive;
};

// Configure once, compute many: the inverse STFT and the working buffers. One per thread.
class Hpss {
 public:
  Hpss(int n_fft, int hop_length, int kernel_size = 31);

  // Soft-masked copies of the complex STFT D [n_frames][n_fft/2+1]: harmonic = D H^2/(H^2+P^2),
  // percussive = D P^2/(H^2+P^2), with H, P the time- and frequency-median-filtered |D|
  // (0.5 each where both are ~0). ref: librosa.decompose.hpss(D, kernel_size, power=2.0,
  // mask=False, margin=1.0)
  void separate(const std::complex<float>* D, std::size_t n_frames,
                std::vector<std::complex<float>>& harmonic,
                std::vector<std::complex<float>>& percussive);

  // Harmonic and percussive signals of y, given as its STFT D [n_frames][n_fft/2+1], each
  // resized to n samples.
  // ref: librosa.effects.hpss(y) (< 0.9): util.fix_length(istft(decompose.hpss(stft(y))), len(y)),
  // so the last n - hop_length * (n_frames - 1) samples are zero.
  void signals(const std::complex<float>* D, std::size_t n_frames, std::size_t n, HpssSignals& out);

 private:
  int kernel_size_;
  Istft istft_;
  std::vector<std::complex<float>> harmonic_, percussive_;
  std::vector<float> mag_, harm_, perc_, line_;
};

}  // namespace genrec
