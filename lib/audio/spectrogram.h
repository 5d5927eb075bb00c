#pragma once
// The log-Mel spectrogram of a whole file (or a time range of it) as a picture:
// used by `genrec mel` and by the web page.
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

// Decodes `path`, computes the dB log-Mel of the range with `config` (dB floor relative to
// the range's max) and renders it with the magma map. Throws genrec::Error.
Image spectrogram_image(const std::string& path, const FeatureConfig& config,
                        const SpectrogramRequest& request);
// The same for mono samples already at config.sample_rate.
Image spectrogram_image(const std::vector<float>& samples, const FeatureConfig& config,
                        const SpectrogramRequest& request);

}  // namespace genrec
