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

std::size_t Istft::length(std::size_t total_frames) const {
  return total_frames == 0 ? 0 : static_cast<std::size_t>(hop_) * (total_frames - 1);
}

void Istft::frames_for(std::size_t begin, std::size_t end, std::size_t total_frames,
                       std::size_t& first, std::size_t& last) const {
  // Output sample i is overlap-add index j = i + n_fft/2; frame t covers j in
  // [t * hop, t * hop + n_fft).
  const std::size_t hop = static_cast<std::size_t>(hop_), n_fft = static_cast<std::size_t>(n_fft_);
  const std::size_t j0 = begin + n_fft / 2, j1 = end + n_fft / 2;
  first = j0 + 1 > n_fft ? (j0 + 1 - n_fft + hop - 1) / hop : 0;
  last = std::min(total_frames, (j1 + hop - 1) / hop);
  if (first > last) first = last;
}

void Istft::samples(const std::complex<float>* frames, std::size_t first_frame,
                    std::size_t n_frames, std::size_t total_frames, std::size_t begin,
                    std::size_t end, std::vector<float>& out) {
  const std::size_t hop = static_cast<std::size_t>(hop_), n_fft = static_cast<std::size_t>(n_fft_);
  const std::size_t n_bins = n_fft / 2 + 1;
  if (end > length(total_frames) || begin > end)
    throw Error("istft", "samples", "range beyond the signal");
  std::size_t need_first = 0, need_last = 0;
  frames_for(begin, end, total_frames, need_first, need_last);
  if (need_first < first_frame || need_last > first_frame + n_frames)
    throw Error("istft", "samples", "frames given do not cover the range");
  // ref: librosa.istft: y = overlap-add(window * irfft(frame)); y /= window_sumsquare where it
  // exceeds float32 tiny; center=True drops n_fft // 2 samples at the start.
  const std::size_t j0 = begin + n_fft / 2, j1 = end + n_fft / 2;
  out.assign(end - begin, 0.0f);
  for (std::size_t t = need_first; t < need_last; ++t) {
    fft_.inverse(frames + (t - first_frame) * n_bins, frame_.data());
    const std::size_t a = std::max(j0, t * hop), b = std::min(j1, t * hop + n_fft);
    for (std::size_t j = a; j < b; ++j) out[j - j0] += window_[j - t * hop] * frame_[j - t * hop];
  }
  const float tiny = std::numeric_limits<float>::min();
  for (std::size_t j = j0; j < j1; ++j) {
    // librosa.filters.window_sumsquare over all total_frames frames, at index j.
    const std::size_t t_lo = j + 1 > n_fft ? (j + 1 - n_fft + hop - 1) / hop : 0;
    const std::size_t t_hi = std::min(total_frames - 1, j / hop);
    float norm = 0.0f;
    for (std::size_t t = t_lo; t <= t_hi; ++t) norm += window_[j - t * hop] * window_[j - t * hop];
    if (norm > tiny) out[j - j0] /= norm;
  }
}

}  // namespace genrec
