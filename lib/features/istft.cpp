#include "features/istft.h"

#include <algorithm>
#include <limits>

#include "audio/error.h"
#include "audio/stft.h"

namespace genrec {

Istft::Istft(int n_fft, int hop_length)
    : n_fft_(n_fft), hop_(hop_length), fft_(n_fft), window_(hann_window(n_fft)) {
  if (hop_length < 1) throw Error("istft", "hop_length", "must be >= 1");
  frame_.resize(static_cast<std::size_t>(n_fft));
}

void Istft::inverse(const std::complex<float>* stft, std::size_t n_frames,
                    std::vector<float>& out) {
  const std::size_t n_fft = static_cast<std::size_t>(n_fft_);
  const std::size_t hop = static_cast<std::size_t>(hop_);
  const std::size_t n_bins = n_fft / 2 + 1;
  const std::size_t total = n_frames == 0 ? 0 : n_fft + hop * (n_frames - 1);
  sum_.assign(total, 0.0f);
  for (std::size_t t = 0; t < n_frames; ++t) {
    fft_.inverse(stft + t * n_bins, frame_.data());
    float* y = sum_.data() + t * hop;
    for (std::size_t i = 0; i < n_fft; ++i) y[i] += window_[i] * frame_[i];
  }
  if (norm_frames_ != n_frames || norm_.size() != total) {
    // librosa.filters.window_sumsquare; depends only on the frame count, so it is kept.
    norm_.assign(total, 0.0f);
    for (std::size_t t = 0; t < n_frames; ++t)
      for (std::size_t i = 0; i < n_fft; ++i) norm_[t * hop + i] += window_[i] * window_[i];
    norm_frames_ = n_frames;
  }
  // Divide only where the summed window is not ~0 (util.tiny of float32), as librosa does.
  const float tiny = std::numeric_limits<float>::min();
  for (std::size_t i = 0; i < total; ++i)
    if (norm_[i] > tiny) sum_[i] /= norm_[i];
  // center=True: y[n_fft // 2 : -(n_fft // 2)].
  const std::size_t start = n_fft / 2;
  out.assign(total > 2 * start ? total - 2 * start : 0, 0.0f);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = sum_[start + i];
}

}  // namespace genrec
