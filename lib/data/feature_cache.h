#pragma once
// The preprocessed dataset that training reads: for each song the WHOLE-CLIP log-Mel in dB
// without the top_db floor, 10*log10(max(S, amin)) of LogMelExtractor::mel_power, stored as
// float16, frame-major [n_frames][n_mels]. Each song is decoded once, at build time.
//
// Training cuts frames_per_segment-frame windows at frame offsets (cut_segment) and applies the
// SPEC's floor (max - top_db over the cut window) at cut time. Such crops are frame-aligned: an
// approximation of the per-segment STFT that differs only in the edge frames (the first and last
// n_fft/(2*hop_length) frames, where the per-segment STFT reflect-pads the segment), and in
// sub-frame alignment when a segment start is not a multiple of hop_length. Eval and predict
// compute exact per-segment features from the audio instead.
//
// On disk (cache_shard.h) the cache is a folder of shard files of a few dozen consecutive songs
// each, named "features-<16 hex digits>.gshard" after a 64-bit FNV-1a hash of cache_key(config)
// (cache_key.h: the fields the cached numbers depend on) and the identities (path, size, mtime)
// of its songs, so any change of features or files gives other names and a shard is never
// misread, while fields that only matter when windows are cut (segment, hop, top_db) reuse it.
// Shards are written to a temporary name and renamed; a build fills only the shards that are
// missing, so an interrupted build (even kill -9) resumes where it stopped, and N processes
// (--shard K/N) can build disjoint shards of one dataset into one folder. Training maps the shards
// and lets the kernel take back each window's pages after it is cut, so resident memory does not
// grow with the number of songs.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audio/feature_config.h"
#include "data/dataset.h"
#include "data/mapped_file.h"

namespace genrec {

struct SongFeatures {
  int song = -1;                  // index into Dataset::songs
  int label = -1;                 // index into the labels
  std::string rel_path;           // Song::rel_path
  std::size_t n_samples = 0;      // decoded length at config.sample_rate
  std::size_t n_frames = 0;       // 1 + n_samples / hop_length (center=True)
  std::uint64_t fingerprint = 0;  // SampleStats::fingerprint of the decoded samples
  // Where the float16 bits of the unfloored dB, [n_frames][n_mels], are: in memory (`half`,
  // after load_into_memory) or at byte `offset` of a shard file, read on demand.
  const std::uint16_t* half = nullptr;
  const MappedFile* file = nullptr;
  std::uint64_t offset = 0;
};

// Which shards a build makes: those with index % count == index_of (preprocess --shard K/N).
struct ShardSelection {
  int index = 0;
  int count = 1;
};

// Called by the building thread after each song is written: (songs done, songs to build).
using BuildProgress = std::function<void(std::size_t done, std::size_t total)>;

struct CacheBuildReport {
  std::size_t n_shards = 0;    // shards of the whole dataset
  std::size_t n_selected = 0;  // of which this selection owns
  std::size_t n_built = 0;     // built by this call
  std::size_t n_present = 0;   // selected and already valid on disk
  std::size_t n_songs_built = 0, n_skipped_built = 0;
  double seconds = 0;
};

class FeatureCache {
 public:
  FeatureCache();
  ~FeatureCache();
  FeatureCache(FeatureCache&&) noexcept;
  FeatureCache& operator=(FeatureCache&&) noexcept;

  // Builds the selected shards of (data, config) that are missing or unreadable in cache_dir
  // (all selected ones when `force`) on `threads` workers. Unreadable songs are skipped with a
  // warning naming the file and cause, and recorded in their shard. Temporary files left by
  // killed builds on this machine are removed. Throws genrec::Error("cache", ...) when the
  // folder or a shard cannot be written.
  static CacheBuildReport build_missing(const Dataset& data, const FeatureConfig& config,
                                        const std::string& cache_dir, int threads,
                                        ShardSelection selection = {}, bool force = false,
                                        const BuildProgress& progress = {});
  // Maps every shard of (data, config). Throws genrec::Error("cache", ...) naming the first
  // missing or unreadable shard, or when no song has features.
  static FeatureCache open(const Dataset& data, const FeatureConfig& config,
                           const std::string& cache_dir);
  // build_missing (all shards) then open; logs what it reused and built.
  static FeatureCache open_or_build(const Dataset& data, const FeatureConfig& config,
                                    const std::string& cache_dir, int threads);
  // Rebuilds every shard, then opens.
  static FeatureCache build(const Dataset& data, const FeatureConfig& config,
                            const std::string& cache_dir, int threads);

  // Copies every song's features into memory and unmaps the shards (the cache as it was before
  // shards: faster to start reading, resident memory proportional to the dataset).
  void load_into_memory();

  // The shard file names (no directory) of (data, config), in song order.
  static std::vector<std::string> shard_names(const Dataset& data, const FeatureConfig& config);

  const std::vector<SongFeatures>& songs() const { return songs_; }  // sorted by song index
  const std::vector<std::string>& labels() const { return labels_; }
  const FeatureConfig& config() const { return config_; }
  // Songs without features: missing files (Dataset::skipped) and songs that did not decode.
  const std::vector<SkippedSong>& skipped() const { return skipped_; }
  const std::string& dir() const { return dir_; }  // the cache folder
  std::size_t n_shards() const;
  std::uint64_t bytes() const;  // on disk, all shards
  int n_mels() const { return config_.n_mels; }
  // nullptr when the song is absent (skipped, or not in the dataset).
  const SongFeatures* find(int song) const;
  const SongFeatures* find(const std::string& rel_path) const;
  // Total frames_per_segment windows at config.train_hop_seconds over all songs.
  std::size_t n_train_segments() const;

 private:
  struct Storage;
  FeatureConfig config_;
  std::vector<std::string> labels_;
  std::vector<SongFeatures> songs_;
  std::vector<SkippedSong> skipped_;
  std::string dir_;
  std::unique_ptr<Storage> storage_;  // the mappings, or the in-memory copy
};

// Frame offsets of the training windows of one song: the sample starts of
// segment_starts(n_samples, segment_samples, train hop) mapped to the nearest frame, clamped so
// a window stays inside the song when the song is long enough (at least one window per song).
std::vector<std::size_t> train_frame_offsets(const SongFeatures& song, const FeatureConfig& config);
// The largest offset whose window fits in the song (0 for a song shorter than one window):
// random crops draw offsets in [0, max_frame_offset].
std::size_t max_frame_offset(const SongFeatures& song, const FeatureConfig& config);

// Copies frames [first, first + n) of a cached song (float16 bits, [n][n_mels]) into out, from
// memory or its shard file. Throws genrec::Error("cache", ...) when the song has no features
// or the range is past its end.
void read_song_frames(const SongFeatures& song, std::size_t first, std::size_t n, int n_mels,
                      std::uint16_t* out);

// Converts frames [frame_offset, frame_offset + frames_per_segment) of a cached song to float
// and applies the floor max - top_db over that window. Frames past the end of the song read as
// 10*log10(amin) (silence) before flooring. out: [n_mels][frames_per_segment].
void cut_segment(const SongFeatures& song, std::size_t frame_offset, const FeatureConfig& config,
                 float* out);

}  // namespace genrec
