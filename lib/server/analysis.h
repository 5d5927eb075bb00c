#pragma once
// What the web API does with one uploaded file, independent of HTTP: decode from memory,
// classify, and (for the page) render the log-Mel spectrogram as a PNG. Failures come back
// as an HTTP status and a plain-words message rather than exceptions.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audio/feature_config.h"

namespace genrec {

class GenreModel;

struct AnalysisOptions {
  int top_k = 0;                     // entries in "top"; 0: every label (the page draws all bars)
  bool segments = true;              // include the per-segment timeline
  bool spectrogram = false;          // add "spectrogram": {png_base64, seconds, ...} (extra field)
  double max_spectrogram_s = 600.0;  // longer songs are drawn up to here
  int max_spectrogram_width = 1600;  // pixels; longer images are averaged down to this
  int threads = 1;                   // threads of the network's forward passes
};

// A JSON reply: `status` 200 with SPEC's predict object, or 4xx with {"file", "error"}.
struct ApiReply {
  int status = 200;
  nlohmann::json body;
};

// Classifies an upload. 400 empty body; 415 not audio / unknown format; 422 audio that
// decodes badly (unsupported rate or channels, read error, NaN, no samples).
ApiReply analyse_upload(const GenreModel& model, std::vector<std::uint8_t> bytes,
                        const std::string& name, const AnalysisOptions& options);

// A PNG of the upload's log-Mel spectrogram (the first max_seconds), for POST /api/spectrogram.
// On failure `png` is empty and `error` holds the reply to send.
struct SpectrogramReply {
  std::vector<std::uint8_t> png;
  double seconds = 0;  // audio time the image covers, left to right
  int width = 0;
  int height = 0;
  ApiReply error;
};
SpectrogramReply render_upload_spectrogram(const FeatureConfig& features,
                                           std::vector<std::uint8_t> bytes, const std::string& name,
                                           const AnalysisOptions& options);

// The upload decoded to mono 16-bit WAV at the model's rate (its first max_spectrogram_s, like
// the picture), for POST /api/audio: the page plays it when the browser cannot play the
// original's format (AU, for one). On failure `wav` is empty and `error` holds the reply.
struct AudioReply {
  std::vector<std::uint8_t> wav;
  double seconds = 0;
  ApiReply error;
};
AudioReply decode_upload_wav(const FeatureConfig& features, std::vector<std::uint8_t> bytes,
                             const std::string& name, const AnalysisOptions& options);

// The status for a decode failure message: 415 when the bytes are not a format we read,
// 422 when they are but the audio is unusable.
int decode_error_status(const std::string& message);

}  // namespace genrec
