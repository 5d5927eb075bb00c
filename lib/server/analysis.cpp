#include "server/analysis.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "audio/audio_source.h"
#include "audio/error.h"
#include "audio/image.h"
#include "audio/spectrogram.h"
#include "audio/wav_writer.h"
#include "model/genre_model.h"
#include "model/predictor.h"
#include "report/predict_format.h"
#include "server/base64.h"

namespace genrec {
namespace {

// Each segment's likeliest genres, for the page's hover details.
constexpr int kSegmentTop = 3;
constexpr const char* kFormats = "WAV, FLAC, MP3, OGG/Vorbis, Opus, AIFF or AU";

ApiReply error_reply(int status, const std::string& name, const std::string& message,
                     const std::string& detail) {
  ApiReply r;
  r.status = status;
  r.body = {{"file", name}, {"error", message}, {"status", status}};
  if (!detail.empty()) r.body["detail"] = detail;
  return r;
}

// The cause part of a library message "stage: 'object': cause".
std::string cause_of(const std::string& message) {
  const std::size_t at = message.rfind("': ");
  return at == std::string::npos ? message : message.substr(at + 3);
}

// A message a person can act on, with the library's own message kept as "detail".
ApiReply decode_failure(int status, const std::string& name, const std::string& detail) {
  if (status == 415)
    return error_reply(
        status, name,
        "\"" + name + "\" is not an audio file genrec can read. Try " + kFormats + ".", detail);
  return error_reply(
      status, name,
      "\"" + name + "\" looks like audio but cannot be used: " + cause_of(detail) + ".", detail);
}

// Opens the upload as a stream at the model's rate; the decode error reply otherwise.
std::optional<AudioSource> open_upload(std::vector<std::uint8_t> bytes, const std::string& name,
                                       int rate_hz, ApiReply& failure) {
  try {
    return AudioSource(Decoder::open_memory(std::move(bytes), name), rate_hz);
  } catch (const std::exception& e) {
    failure = decode_failure(decode_error_status(e.what()), name, e.what());
    return std::nullopt;
  }
}

// Box-averages columns so that a long song's image stays a sensible size for a page.
Image fit_width(const Image& in, int max_width) {
  if (max_width <= 0 || in.width <= max_width) return in;
  Image out(max_width, in.height);
  for (int x = 0; x < max_width; ++x) {
    const int x0 = static_cast<int>(static_cast<long long>(x) * in.width / max_width);
    const int x1 =
        std::max(x0 + 1, static_cast<int>(static_cast<long long>(x + 1) * in.width / max_width));
    for (int y = 0; y < in.height; ++y) {
      int r = 0, g = 0, b = 0;
      for (int sx = x0; sx < x1; ++sx) {
        const Rgb c = in.get(sx, y);
        r += c.r;
        g += c.g;
        b += c.b;
      }
      const int n = x1 - x0;
      out.set(x, y,
              Rgb{static_cast<std::uint8_t>(r / n), static_cast<std::uint8_t>(g / n),
                  static_cast<std::uint8_t>(b / n)});
    }
  }
  return out;
}

}  // namespace

int decode_error_status(const std::string& message) {
  // Decodable containers whose content we cannot use are 422; everything else that fails
  // to open (text, images, truncated headers) is not audio we can read: 415.
  for (const char* unusable : {"sample rate", "channel count", "non-finite", "no audio samples"})
    if (message.find(unusable) != std::string::npos) return 422;
  return 415;
}

ApiReply analyse_upload(const GenreModel& model, std::vector<std::uint8_t> bytes,
                        const std::string& name, const AnalysisOptions& options) {
  if (bytes.empty())
    return error_reply(400, name, "The upload was empty: choose an audio file.", "");
  const FeatureConfig& features = model.info().features;
  std::vector<std::uint8_t> copy;
  if (options.spectrogram) copy = bytes;

  ApiReply reply;
  std::optional<AudioSource> source =
      open_upload(std::move(bytes), name, features.sample_rate, reply);
  if (!source) return reply;
  Prediction prediction;
  try {
    PredictOptions predict_options;
    predict_options.threads = options.threads;
    prediction = predict_source(model, *source, predict_options);
  } catch (const std::exception& e) {
    // It opened, so it is audio: failing now means the content is unusable.
    return decode_failure(422, name, e.what());
  }
  prediction.file = name;
  if (prediction.segments.empty() || prediction.duration_s <= 0)
    return error_reply(422, name, "\"" + name + "\" contains no audio samples.", "");

  PredictFormatOptions format;
  const int n_labels = static_cast<int>(model.info().labels.size());
  format.top_k = options.top_k > 0 ? std::min(options.top_k, n_labels) : n_labels;
  format.with_segments = options.segments;
  format.segment_top_k = kSegmentTop;
  reply.status = 200;
  reply.body = prediction_json(prediction, model.info().labels, format);
  if (options.spectrogram) {
    SpectrogramReply s = render_upload_spectrogram(features, std::move(copy), name, options);
    if (s.png.empty()) return s.error;
    reply.body["spectrogram"] = {{"png_base64", base64_encode(s.png)},
                                 {"seconds", s.seconds},
                                 {"width", s.width},
                                 {"height", s.height},
                                 {"fmax_hz", features.fmax_hz()},
                                 {"n_mels", features.n_mels}};
  }
  return reply;
}

namespace {
// The first max_spectrogram_s of an upload as mono samples at the model's rate; an empty
// vector with `failure` set when it is empty or does not decode.
std::vector<float> upload_samples(const FeatureConfig& features, std::vector<std::uint8_t> bytes,
                                  const std::string& name, const AnalysisOptions& options,
                                  ApiReply& failure) {
  if (bytes.empty()) {
    failure = error_reply(400, name, "The upload was empty: choose an audio file.", "");
    return {};
  }
  std::optional<AudioSource> source =
      open_upload(std::move(bytes), name, features.sample_rate, failure);
  if (!source) return {};
  std::vector<float> samples;
  try {
    const std::size_t limit =
        static_cast<std::size_t>(std::ceil(options.max_spectrogram_s * features.sample_rate));
    std::vector<float> chunk(1 << 16);
    while (samples.size() < limit) {
      const std::size_t got =
          source->read(chunk.data(), std::min(chunk.size(), limit - samples.size()));
      if (got == 0) break;
      samples.insert(samples.end(), chunk.begin(),
                     chunk.begin() + static_cast<std::ptrdiff_t>(got));
    }
    if (samples.empty()) throw Error("decode", name, "no audio samples");
  } catch (const std::exception& e) {
    samples.clear();
    failure = decode_failure(422, name, e.what());
  }
  return samples;
}
}  // namespace

SpectrogramReply render_upload_spectrogram(const FeatureConfig& features,
                                           std::vector<std::uint8_t> bytes, const std::string& name,
                                           const AnalysisOptions& options) {
  SpectrogramReply out;
  const std::vector<float> samples =
      upload_samples(features, std::move(bytes), name, options, out.error);
  if (samples.empty()) return out;
  try {
    SpectrogramRequest request;
    request.max_seconds = options.max_spectrogram_s;
    request.pixel_scale = 1;
    const Image image =
        fit_width(spectrogram_image(samples, features, request), options.max_spectrogram_width);
    out.png = encode_png(image);
    out.seconds = static_cast<double>(samples.size()) / features.sample_rate;
    out.width = image.width;
    out.height = image.height;
  } catch (const std::exception& e) {
    out.png.clear();
    out.error = decode_failure(422, name, e.what());
  }
  return out;
}

AudioReply decode_upload_wav(const FeatureConfig& features, std::vector<std::uint8_t> bytes,
                             const std::string& name, const AnalysisOptions& options) {
  AudioReply out;
  const std::vector<float> samples =
      upload_samples(features, std::move(bytes), name, options, out.error);
  if (samples.empty()) return out;
  out.wav = encode_wav(samples, features.sample_rate);
  out.seconds = static_cast<double>(samples.size()) / features.sample_rate;
  return out;
}

}  // namespace genrec
