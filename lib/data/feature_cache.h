#pragma once
// The preprocessed dataset that training reads: for each song the WHOLE-CLIP log-Mel in dB
// without the top_db floor, 10*log10(max(S, amin)) of LogMelExtractor::mel_power, stored as
// float16, band-major [n_mels][n_frames_song]. Each song is decoded once, at build time.
//
// Training cuts frames_per_segment-frame windows at frame offsets (cut_segment) and applies the
// SPEC's floor (max - top_db over the cut window) at cut time. Such crops are frame-aligned: an
// approximation of the per-segment STFT that differs only in the edge frames (the first and last
// n_fft/(2*hop_length) frames, where the per-segment STFT reflect-pads the segment), and in
// sub-frame alignment when a segment start is not a multiple of hop_length. Eval and predict
// compute exact per-segment features from the audio instead.
//
// File format (little-endian), one file per (FeatureConfig::key(), dataset) pair, named
// "features-<16 hex digits>.gcache" after a 64-bit FNV-1a hash of both, written atomically:
//   "GENRECFC" u32 version, str config_key, str dataset_key, str root,
//   config {i32 sample_rate, f64 segment_seconds, f64 train_hop_seconds, i32 n_fft,
//   i32 hop_length, i32 n_mels, f64 fmin, f64 fmax, f64 top_db, f64 amin},
//   u32 n_labels {str label}, u32 n_skipped {str rel_path, str cause},
//   u32 n_songs {i32 song, i32 label, u64 n_samples, u64 n_frames, str rel_path},
//   then per song n_mels*n_frames u16 (float16 bits), then "GENRECFE".
//   (str = u32 length + bytes.)
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/feature_config.h"
#include "data/dataset.h"

namespace genrec {

struct SongFeatures {
  int song = -1;                    // index into Dataset::songs
  int label = -1;                   // index into the labels
  std::string rel_path;             // "<genre>/<file>"
  std::size_t n_samples = 0;        // decoded length at config.sample_rate
  std::size_t n_frames = 0;         // 1 + n_samples / hop_length (center=True)
  std::vector<std::uint16_t> half;  // float16 bits of the unfloored dB, [n_mels][n_frames]
};

struct SkippedSong {
  std::string rel_path;
  std::string cause;  // the decoder's error message
};

class FeatureCache {
 public:
  // Decodes every song once (load_audio at config.sample_rate) on `threads` std::threads and
  // writes the cache file into cache_dir (created if needed). Unreadable songs are skipped with
  // a spdlog warning naming the file and cause, and listed in skipped().
  // Throws genrec::Error("cache", ...) when the file cannot be written or no song decodes.
  static FeatureCache build(const Dataset& data, const FeatureConfig& config,
                            const std::string& cache_dir, int threads);
  // Reuses the cache file of (config, data) when its stored keys match exactly; otherwise (no
  // file, other keys, or a truncated/corrupt file) builds it. Logs which happened.
  static FeatureCache open_or_build(const Dataset& data, const FeatureConfig& config,
                                    const std::string& cache_dir, int threads);
  // Reads a cache file without decoding audio. Throws genrec::Error("cache", path, cause) for a
  // missing, truncated, corrupt or newer-version file.
  static FeatureCache read(const std::string& path);

  // The file name (no directory) used for (config, data).
  static std::string file_name(const Dataset& data, const FeatureConfig& config);
  // Identity of the dataset's contents: root, rel_paths, labels, file sizes and mtimes.
  static std::string dataset_key(const Dataset& data);

  const std::vector<SongFeatures>& songs() const { return songs_; }  // sorted by song index
  const std::vector<std::string>& labels() const { return labels_; }
  const FeatureConfig& config() const { return config_; }
  const std::vector<SkippedSong>& skipped() const { return skipped_; }
  const std::string& path() const { return path_; }  // the cache file
  int n_mels() const { return config_.n_mels; }
  // nullptr when the song is absent (skipped, or not in the dataset).
  const SongFeatures* find(int song) const;
  const SongFeatures* find(const std::string& rel_path) const;
  // Total frames_per_segment windows at config.train_hop_seconds over all songs.
  std::size_t n_train_segments() const;

 private:
  FeatureConfig config_;
  std::string config_key_;
  std::string dataset_key_;
  std::string root_;
  std::vector<std::string> labels_;
  std::vector<SongFeatures> songs_;
  std::vector<SkippedSong> skipped_;
  std::string path_;
};

// Frame offsets of the training windows of one song: the sample starts of
// segment_starts(n_samples, segment_samples, train hop) mapped to the nearest frame, clamped so
// a window stays inside the song when the song is long enough (at least one window per song).
std::vector<std::size_t> train_frame_offsets(const SongFeatures& song, const FeatureConfig& config);
// The largest offset whose window fits in the song (0 for a song shorter than one window):
// random crops draw offsets in [0, max_frame_offset].
std::size_t max_frame_offset(const SongFeatures& song, const FeatureConfig& config);

// Converts frames [frame_offset, frame_offset + frames_per_segment) of a cached song to float
// and applies the floor max - top_db over that window. Frames past the end of the song read as
// 10*log10(amin) (silence) before flooring. out: [n_mels][frames_per_segment].
void cut_segment(const SongFeatures& song, std::size_t frame_offset, const FeatureConfig& config,
                 float* out);

}  // namespace genrec
