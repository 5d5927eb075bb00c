#include "audio/feature_config.h"

#include <cmath>
#include <sstream>

#include "audio/error.h"

namespace genrec {

std::size_t FeatureConfig::segment_samples() const {
  return static_cast<std::size_t>(std::llround(segment_seconds * sample_rate));
}

std::size_t FeatureConfig::frames_per_segment() const {
  return 1 + segment_samples() / static_cast<std::size_t>(hop_length);
}

double FeatureConfig::fmax_hz() const { return fmax > 0 ? fmax : sample_rate / 2.0; }

std::string FeatureConfig::key() const {
  std::ostringstream os;
  os.precision(17);
  os << "sr=" << sample_rate << ";seg=" << segment_seconds << ";n_fft=" << n_fft
     << ";hop=" << hop_length << ";n_mels=" << n_mels << ";fmin=" << fmin << ";fmax=" << fmax_hz()
     << ";top_db=" << top_db << ";amin=" << amin << ";pad=" << pad;
  if (via_rate > 0) os << ";via=" << via_rate;
  return os.str();
}

void FeatureConfig::validate() const {
  auto fail = [](const std::string& what) { throw Error("config", "features", what); };
  if (sample_rate < 1000 || sample_rate > 384000) fail("sample_rate must be in [1000, 384000]");
  if (via_rate != 0 && (via_rate < 1000 || via_rate >= sample_rate))
    fail("via_rate must be 0 or in [1000, sample_rate)");
  if (!(segment_seconds > 0.1 && segment_seconds <= 60))
    fail("segment_seconds must be in (0.1, 60]");
  if (!(train_hop_seconds > 0)) fail("train_hop_seconds must be > 0");
  if (n_fft < 16 || n_fft % 2 != 0 || n_fft > kMaxNfft)
    fail("n_fft must be even and in [16, " + std::to_string(kMaxNfft) + "]");
  if (hop_length < 1) fail("hop_length must be >= 1");
  if (n_mels < 1 || n_mels > n_fft / 2 + 1) fail("n_mels must be in [1, n_fft/2+1]");
  if (fmin < 0 || fmin >= fmax_hz() || fmax_hz() > sample_rate / 2.0 + 1e-9)
    fail("need 0 <= fmin < fmax <= sample_rate/2");
  if (!(top_db > 0)) fail("top_db must be > 0");
  if (!(amin > 0)) fail("amin must be > 0");
  if (pad != "zero" && pad != "loop" && pad != "reflect")
    fail("pad must be zero, loop or reflect (got '" + pad + "')");
  if (segment_samples() < static_cast<std::size_t>(n_fft / 2 + 1))
    fail("segment shorter than half an FFT frame");
  // One segment's log-Mel is what every stage holds per segment: bound it, so that a config
  // (or a model file) cannot ask for gigabytes per 3 s of audio.
  if (static_cast<double>(n_mels) * frames_per_segment() > kMaxSegmentCells)
    fail("n_mels x frames per segment exceeds " + std::to_string(kMaxSegmentCells) +
         " (hop_length too small for segment_seconds and sample_rate)");
}

}  // namespace genrec
