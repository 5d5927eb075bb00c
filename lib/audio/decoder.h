#pragma once
// Decoding with libsndfile (WAV, AU, AIFF, FLAC, OGG/Vorbis, Opus, MP3) to mono float32,
// read in chunks so a long file never has to sit in memory at its source rate.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace genrec {

struct AudioInfo {
  int sample_rate = 0;
  int channels = 0;
  std::int64_t frames = 0;  // as declared by the container (may be an estimate for MP3)
  std::string format;       // e.g. "WAV (Microsoft)", "MPEG Layer III"
};

class Decoder {
 public:
  // Opens a file; throws genrec::Error("decode", path, cause) for missing, empty,
  // non-audio files, 0 channels or a sample rate outside [1 kHz, 768 kHz].
  static Decoder open_file(const std::string& path);
  // Decodes from bytes in memory (uploads); `name` is used in messages only.
  static Decoder open_memory(std::vector<std::uint8_t> bytes, const std::string& name);

  Decoder(Decoder&&) noexcept;
  Decoder& operator=(Decoder&&) noexcept;
  ~Decoder();

  const AudioInfo& info() const;
  const std::string& name() const;
  // Reads up to n mono frames (mean of channels) into out; returns the count, 0 at the end.
  // Throws on read errors and on non-finite samples.
  std::size_t read_mono(float* out, std::size_t n);

 private:
  struct Impl;
  explicit Decoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace genrec
