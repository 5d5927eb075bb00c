#pragma once
// The log-Mel spectrogram of a whole file (or a time range of it), as dB values and as a
// picture: used by `genrec mel` (through report/mel_plot.h) and by the web page.
#include <cstdint>
#include <string>
#include <vector>

#include "audio/feature_config.h"
#include "audio/image.h"

namespace genrec {

struct SpectrogramRequest {
  double start_s = 0.0;
  double seconds = 0.0;        // 0: to the end
  double max_seconds = 600.0;  // longer ranges are cut here to bound memory
  int pixel_scale = 2;
};

// The dB log-Mel of a time range: band-major [n_mels][n_frames], frame k centred at
// start_s + k * hop_length / sample_rate (center=True), dB floored relative to the range's max.
struct LogMelRange {
  FeatureConfig config;
  std::vector<float> db;
  std::size_t n_frames = 0;
  double start_s = 0;
  double seconds = 0;  // audio time the range covers
};

// Decodes `path` up to the end of the range and computes its log-Mel. Throws genrec::Error.
LogMelRange log_mel_range(const std::string& path, const FeatureConfig& config,
                          const SpectrogramRequest& request);
// The same for mono samples already at config.sample_rate.
LogMelRange log_mel_range(const std::vector<float>& samples, const FeatureConfig& config,
                          const SpectrogramRequest& request);

// The range rendered with the magma map, one bin per request.pixel_scale pixels, no axes.
Image spectrogram_image(const std::vector<float>& samples, const FeatureConfig& config,
                        const SpectrogramRequest& request);

}  // namespace genrec
