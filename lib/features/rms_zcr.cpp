#include "features/rms_zcr.h"

#include <algorithm>
#include <cmath>

#include "audio/error.h"
#include "audio/stft.h"

namespace genrec {
namespace {
void check(std::size_t n, int frame_length, int hop_length, const char* what) {
  if (n == 0) throw Error(what, "input", "no samples");
  if (frame_length < 2 || frame_length % 2 != 0 || hop_length < 1)
    throw Error(what, "frame_length", "must be even and >= 2, with hop_length >= 1");
}
}  // namespace

std::vector<double> rms(const float* y, std::size_t n, int frame_length, int hop_length) {
  check(n, frame_length, hop_length, "rms");
  // ref: librosa.feature.rms (0.8): np.pad(y, frame_length // 2, mode="reflect"), util.frame,
  // sqrt(mean(|x|^2)) per frame.
  const std::vector<float> padded = reflect_pad(y, n, static_cast<std::size_t>(frame_length / 2));
  const std::size_t frames = 1 + n / static_cast<std::size_t>(hop_length);
  std::vector<double> out(frames);
  for (std::size_t t = 0; t < frames; ++t) {
    const float* f = padded.data() + t * static_cast<std::size_t>(hop_length);
    double acc = 0.0;
    for (int i = 0; i < frame_length; ++i) acc += static_cast<double>(f[i]) * f[i];
    out[t] = std::sqrt(acc / frame_length);
  }
  return out;
}

std::vector<double> zero_crossing_rate(const float* y, std::size_t n, int frame_length,
                                       int hop_length) {
  check(n, frame_length, hop_length, "zero_crossing_rate");
  const std::size_t half = static_cast<std::size_t>(frame_length / 2);
  const std::size_t len = n + 2 * half;
  // ref: librosa.zero_crossings: values with |y| <= threshold become 0, then np.signbit compares
  // neighbours, so only samples below -threshold count as negative.
  const float threshold = 1e-10f;
  std::vector<unsigned char> negative(len);
  for (std::size_t i = 0; i < len; ++i) {
    // np.pad(mode="edge") repeats the first and last samples.
    const std::size_t j = i < half ? 0 : std::min(i - half, n - 1);
    negative[i] = y[j] < -threshold ? 1 : 0;
  }
  // changes[i]: how many sign changes among padded samples [0, i].
  std::vector<std::size_t> changes(len, 0);
  for (std::size_t i = 1; i < len; ++i)
    changes[i] = changes[i - 1] + (negative[i] != negative[i - 1]);
  const std::size_t frames = 1 + n / static_cast<std::size_t>(hop_length);
  std::vector<double> out(frames);
  for (std::size_t t = 0; t < frames; ++t) {
    const std::size_t a = t * static_cast<std::size_t>(hop_length);
    const std::size_t b = a + static_cast<std::size_t>(frame_length) - 1;
    // Changes between a frame's own neighbours only; its first sample has none (pad=False).
    out[t] = static_cast<double>(changes[b] - changes[a]) / frame_length;
  }
  return out;
}

}  // namespace genrec
