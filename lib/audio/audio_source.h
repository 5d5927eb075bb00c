#pragma once
// decode -> mono -> resample, pulled in chunks: the first stage of every command.
// Memory is bounded by one decode block plus what the caller keeps.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audio/decoder.h"
#include "audio/resampler.h"
#include "audio/sample_stats.h"

namespace genrec {

class AudioSource {
 public:
  // Resamples to target_rate_hz with soxr only when the source rate differs.
  AudioSource(Decoder decoder, int target_rate_hz);
  static AudioSource open_file(const std::string& path, int target_rate_hz);

  // Reads up to n samples at the target rate; returns the count, 0 at the end.
  std::size_t read(float* out, std::size_t n);
  const AudioInfo& source_info() const { return decoder_.info(); }
  const std::string& name() const { return decoder_.name(); }
  int rate_hz() const { return rate_hz_; }
  // Total samples produced so far.
  std::uint64_t produced() const { return produced_; }
  // Fingerprint and levels of every sample produced so far.
  const SampleStats& stats() const { return stats_; }

 private:
  bool refill();

  Decoder decoder_;
  int rate_hz_;
  std::optional<Resampler> resampler_;
  std::vector<float> block_;    // decoded, at the source rate
  std::vector<float> pending_;  // ready, at the target rate
  std::size_t pending_pos_ = 0;
  bool eof_ = false;
  std::uint64_t produced_ = 0;
  SampleStats stats_;
};

// Reads a whole file as mono float at target_rate_hz (for clips; long inputs should stream).
// Throws genrec::Error("decode", path, "no audio samples") when nothing decodes.
std::vector<float> load_audio(const std::string& path, int target_rate_hz);
// The same for bytes in memory.
std::vector<float> load_audio_memory(std::vector<std::uint8_t> bytes, const std::string& name,
                                     int target_rate_hz);
// Drains a source into one vector.
std::vector<float> read_all(AudioSource& source);

}  // namespace genrec
