#include "features/rms_zcr.h"

#include <algorithm>
#include <cmath>

#include "audio/error.h"
#include "audio/stft.h"

namespace genrec {
namespace {
void check(int frame_length, int hop_length, const char* what) {
  if (frame_length < 2 || frame_length % 2 != 0 || hop_length < 1)
    throw Error(what, "frame_length", "must be even and >= 2, with hop_length >= 1");
}
}  // namespace

std::vector<double> rms_frames(const float* padded, std::size_t n_frames, int frame_length,
                               int hop_length) {
  check(frame_length, hop_length, "rms");
  // ref: librosa.feature.rms (0.8): util.frame of the padded signal, sqrt(mean(|x|^2)).
  std::vector<double> out(n_frames);
  for (std::size_t t = 0; t < n_frames; ++t) {
    const float* f = padded + t * static_cast<std::size_t>(hop_length);
    double acc = 0.0;
    for (int i = 0; i < frame_length; ++i) acc += static_cast<double>(f[i]) * f[i];
    out[t] = std::sqrt(acc / frame_length);
  }
  return out;
}

std::vector<double> rms(const float* y, std::size_t n, int frame_length, int hop_length) {
  check(frame_length, hop_length, "rms");
  if (n == 0) throw Error("rms", "input", "no samples");
  // np.pad(y, frame_length // 2, mode="reflect")
  const std::vector<float> padded = reflect_pad(y, n, static_cast<std::size_t>(frame_length / 2));
  return rms_frames(padded.data(), 1 + n / static_cast<std::size_t>(hop_length), frame_length,
                    hop_length);
}

std::vector<double> zero_crossing_rate_frames(const float* padded, std::size_t n_frames,
                                              int frame_length, int hop_length) {
  check(frame_length, hop_length, "zero_crossing_rate");
  // ref: librosa.zero_crossings: values with |y| <= threshold become 0, then np.signbit compares
  // neighbours, so only samples below -threshold count as negative. The first sample of a
  // frame has no predecessor (pad=False); the rate is the count over frame_length.
  const float threshold = 1e-10f;
  std::vector<double> out(n_frames);
  for (std::size_t t = 0; t < n_frames; ++t) {
    const float* f = padded + t * static_cast<std::size_t>(hop_length);
    int changes = 0;
    bool prev = f[0] < -threshold;
    for (int i = 1; i < frame_length; ++i) {
      const bool neg = f[i] < -threshold;
      changes += neg != prev;
      prev = neg;
    }
    out[t] = static_cast<double>(changes) / frame_length;
  }
  return out;
}

std::vector<double> zero_crossing_rate(const float* y, std::size_t n, int frame_length,
                                       int hop_length) {
  check(frame_length, hop_length, "zero_crossing_rate");
  if (n == 0) throw Error("zero_crossing_rate", "input", "no samples");
  // np.pad(y, frame_length // 2, mode="edge") repeats the first and last samples.
  const std::size_t half = static_cast<std::size_t>(frame_length / 2);
  std::vector<float> padded(n + 2 * half);
  for (std::size_t i = 0; i < padded.size(); ++i)
    padded[i] = y[i < half ? 0 : std::min(i - half, n - 1)];
  return zero_crossing_rate_frames(padded.data(), 1 + n / static_cast<std::size_t>(hop_length),
                                   frame_length, hop_length);
}

}  // namespace genrec
