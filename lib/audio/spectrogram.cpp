#include "audio/spectrogram.h"

#include <algorithm>
#include <cmath>

#include "audio/audio_source.h"
#include "audio/error.h"
#include "audio/mel.h"

namespace genrec {

LogMelRange log_mel_range(const std::vector<float>& samples, const FeatureConfig& config,
                          const SpectrogramRequest& request) {
  const double sr = config.sample_rate;
  const std::size_t begin =
      std::min(samples.size(), static_cast<std::size_t>(std::llround(request.start_s * sr)));
  double seconds = request.seconds > 0 ? request.seconds : samples.size() / sr;
  seconds = std::min(seconds, request.max_seconds);
  const std::size_t end =
      std::min(samples.size(), begin + static_cast<std::size_t>(std::llround(seconds * sr)));
  if (end <= begin) throw Error("mel", "range", "start is past the end of the audio");
  LogMelExtractor ex(config);
  LogMelRange out;
  out.config = config;
  ex.log_mel(samples.data() + begin, end - begin, out.db);
  out.n_frames = ex.n_frames(end - begin);
  out.start_s = static_cast<double>(begin) / sr;
  out.seconds = static_cast<double>(end - begin) / sr;
  return out;
}

LogMelRange log_mel_range(const std::string& path, const FeatureConfig& config,
                          const SpectrogramRequest& request) {
  AudioSource src = AudioSource::open_file(path, config.sample_rate);
  // Read only up to the end of the requested range.
  const double stop_s =
      request.start_s + (request.seconds > 0 ? request.seconds : request.max_seconds);
  const std::size_t limit = static_cast<std::size_t>(std::ceil(stop_s * config.sample_rate));
  std::vector<float> samples;
  std::vector<float> chunk(1 << 16);
  while (samples.size() < limit) {
    std::size_t got = src.read(chunk.data(), std::min(chunk.size(), limit - samples.size()));
    if (got == 0) break;
    samples.insert(samples.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
  }
  if (samples.empty()) throw Error("decode", path, "no audio samples");
  return log_mel_range(samples, config, request);
}

Image spectrogram_image(const std::vector<float>& samples, const FeatureConfig& config,
                        const SpectrogramRequest& request) {
  const LogMelRange r = log_mel_range(samples, config, request);
  return render_spectrogram(r.db.data(), config.n_mels, r.n_frames, request.pixel_scale);
}

}  // namespace genrec
