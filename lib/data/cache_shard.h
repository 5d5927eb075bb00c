#pragma once
// One shard of the feature cache on disk: the features of up to a few dozen songs, written
// once (to a temporary name, then renamed) and read by memory mapping.
//
// File format (little-endian; version 3):
//   header  "GENRECSH" u32 version, str config_key (cache_key.h), config {i32 sample_rate,
//           f64 segment_seconds, f64 train_hop_seconds, i32 n_fft, i32 hop_length, i32 n_mels,
//           f64 fmin, f64 fmax, f64 top_db, f64 amin}, zero padding to a multiple of 64 bytes
//   data    per song n_frames*n_mels u16 (float16 bits of the unfloored dB), FRAME-major, so a
//           training window is one contiguous block; each song padded to a multiple of 64 bytes
//   index   u32 n_songs {str identity, str rel_path, u64 n_samples, u64 n_frames,
//           u64 fingerprint, u64 offset},
//           u32 n_skipped {str identity, str rel_path, str cause}
//   footer  u64 index_offset, "GENRECSE"
//   (str = u32 length + bytes; identity = the song's path, size and modification time.)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "audio/feature_config.h"
#include "data/mapped_file.h"

namespace genrec {

struct ShardSong {
  std::string identity, rel_path;
  std::uint64_t n_samples = 0, n_frames = 0;
  std::uint64_t fingerprint = 0;  // SampleStats::fingerprint of the decoded samples
  std::uint64_t offset = 0;       // bytes from the start of the file to the song's features
};

struct ShardSkip {
  std::string identity, rel_path, cause;
};

struct ShardIndex {
  std::vector<ShardSong> songs;
  std::vector<ShardSkip> skipped;
};

// Writes a shard to `tmp_path` song by song; finish() flushes it to disk and renames it to
// `path`. A writer destroyed before finish() removes its temporary file.
class ShardWriter {
 public:
  // Throws genrec::Error("cache", tmp_path, cause) when the file cannot be created.
  ShardWriter(const std::string& path, const std::string& tmp_path, const FeatureConfig& config);
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // frames: [n_frames][n_mels] float16 bits.
  void add_song(const std::string& identity, const std::string& rel_path, std::uint64_t n_samples,
                std::uint64_t n_frames, std::uint64_t fingerprint, const std::uint16_t* frames);
  void add_skipped(const std::string& identity, const std::string& rel_path,
                   const std::string& cause);
  // Throws genrec::Error("cache", ...) on a write, sync or rename failure.
  void finish();

 private:
  void write(const std::string& bytes);
  std::string path_, tmp_path_;
  int n_mels_;
  std::FILE* out_ = nullptr;
  std::uint64_t written_ = 0;
  ShardIndex index_;
  bool finished_ = false;
};

// Parses and checks a mapped shard written for config_key: magic, version, configuration,
// index bounds and footer. Throws genrec::Error("cache", path, cause) naming what is wrong
// ("format version 2 (this build reads version 3)", "written for other features", "truncated").
ShardIndex read_shard_index(const MappedFile& file, const std::string& path,
                            const std::string& config_key, int n_mels);

// The format version this build writes and reads.
std::uint32_t shard_format_version();

}  // namespace genrec
