#pragma once
// Harmonic/percussive source separation of librosa < 0.9: median filtering of the magnitude
// spectrogram across time (harmonic) and across frequency (percussive) and soft masks,
// computable on a block of frames with its context. Spectrograms are frame-major
// [n_frames][n_bins].
#include <complex>
#include <cstddef>
#include <vector>

namespace genrec {

// Running median of `size` (odd) samples over an extended sequence of n_out + size - 1
// values (no padding): out[i] = median(ext[i], ..., ext[i + size - 1]).
void median_filter_valid(const float* ext, std::size_t n_out, int size, float* out);

// Median filter of a sequence x[i * stride], i < n, with scipy.ndimage's "reflect" boundary
// (d c b a | a b c d | d c b a); out is contiguous.
// ref: scipy.ndimage.median_filter(mode="reflect") along one axis
void median_filter_1d(const float* x, std::size_t n, std::size_t stride, int size, float* out);

// Configure once, compute many: working buffers for one thread.
class Hpss {
 public:
  Hpss(int n_fft, int kernel_size = 31);
  // Frames of context needed on each side of a block (kernel_size / 2).
  std::size_t context_frames() const { return static_cast<std::size_t>(kernel_size_ / 2); }

  // Frames [t_begin, t_end) of the soft-masked spectrograms of a total_frames-frame STFT D:
  // harmonic = D H^2/(H^2+P^2), percussive = D P^2/(H^2+P^2), with H, P the time- and
  // frequency-median-filtered |D| (0.5 each where both are ~0). D is given as its frames
  // [first_frame, first_frame + n_frames), which must include [t_begin - context_frames(),
  // t_end + context_frames()) clipped to [0, total_frames). Outputs are [t_end - t_begin][n_bins].
  // ref: librosa.decompose.hpss(D, kernel_size, power=2.0, mask=False, margin=1.0)
  void separate(const std::complex<float>* D, std::size_t first_frame, std::size_t n_frames,
                std::size_t total_frames, std::size_t t_begin, std::size_t t_end,
                std::vector<std::complex<float>>& harmonic,
                std::vector<std::complex<float>>& percussive);

 private:
  int n_bins_;
  int kernel_size_;
  std::vector<float> mag_, harm_, perc_, ext_, line_;
};

}  // namespace genrec
