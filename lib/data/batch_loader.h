#pragma once
// The background loader of training: one epoch of shuffled, augmented log-Mel windows cut at
// random offsets from the feature cache, produced on its own thread into a bounded queue while
// the caller trains on the previous batch. The batches depend only on (cache, songs, options,
// seed), never on timing, so a run can be repeated or resumed exactly.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "data/augment.h"
#include "data/feature_cache.h"

namespace genrec {

struct LoaderOptions {
  int batch_size = 32;
  int crops_per_song = 8;  // random windows per song per epoch ...
  // ... plus this many for each whole segment of the song after its first, so that a long
  // song is sampled more than a one-window excerpt (0: every song alike).
  int crops_per_segment = 0;
  AugmentOptions augment;  // applied to every window
  bool augment_enabled = true;
  std::vector<float> fill;  // per-band mask fill value (the normalisation mean)
  double top_db = 80.0;     // the front end's floor below the window maximum (band limiting)
  // mixup (Zhang et al. 2018) within each batch: window i becomes lam*x_i + (1-lam)*x_j for a
  // random j, lam = max(l, 1-l) with l ~ Beta(alpha, alpha). 0: off.
  double mixup_alpha = 0.0;
  // Resampled copies (TrainOptions::resample_rates): caches of the same songs as heard through
  // lower sample rates; with probability resample_prob a window is cut from one of them, drawn
  // uniformly, at the same frame offset (a copy keeps the original's length), instead of the
  // original.
  // Not owned; they outlive the loader. Empty or 0: off.
  std::vector<const FeatureCache*> resampled;
  double resample_prob = 0.0;
  // Consistency training: every window also comes as a second view in TrainBatch::x_pair, the
  // same crop augmented with draws of its own (the first view is the window of an unpaired
  // epoch). Not with mixup.
  bool paired_views = false;
  // Band-limiting teacher (TrainOptions::lowpass_teacher_weight): every window that band
  // limiting was drawn for also comes without it, in TrainBatch::x_full. Not with mixup.
  bool lowpass_teacher_views = false;
  std::size_t queue_capacity = 4;
  // Data parallelism (a DistributedSampler's semantics): every rank plans the same shuffled
  // epoch, batch_size is the global batch, and rank `shard` of `n_shards` gets slice `shard` of
  // each global batch cut into n_shards equal parts (the epoch is trimmed to a multiple of
  // n_shards windows), so the shards are disjoint and together make the one-process epoch.
  int shard = 0;
  int n_shards = 1;
};

struct TrainBatch {
  std::size_t size = 0;
  std::vector<float> x;         // [size][n_mels][frames_per_segment] dB
  std::vector<std::int64_t> y;  // [size] label indices
  // With mixup only (else empty): the partner's label and the weight of y.
  std::vector<std::int64_t> y_mix;
  std::vector<float> lam;
  // With paired_views only (else empty): the second view of every window, laid out as x.
  std::vector<float> x_pair;
  // With lowpass_teacher_views only: the windows of x that were band-limited (indices into
  // the batch, ascending) and, laid out as x, the same windows without the band limiting.
  std::vector<std::int64_t> full_index;
  std::vector<float> x_full;
};

class BatchLoader {
 public:
  // songs: dataset indices present in the cache. Starts the producer thread at once.
  // Throws genrec::Error("loader", ...) when no song is usable.
  // Throws genrec::Error("loader", ...) too when batch_size is not a multiple of n_shards, or
  // when paired_views or lowpass_teacher_views and mixup are both asked for.
  BatchLoader(const FeatureCache& cache, const std::vector<int>& songs,
              const LoaderOptions& options, std::uint64_t seed);
  ~BatchLoader();  // stops the producer and joins it
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // Batches in an epoch of n_windows windows (a last batch of one window is dropped), over
  // n_shards ranks (n_windows trimmed to a multiple of n_shards first).
  static std::size_t count_batches(std::size_t n_windows, int batch_size, int n_shards = 1);
  // Windows of one epoch over `songs` (those in the cache), before trimming to whole batches.
  static std::size_t count_windows(const FeatureCache& cache, const std::vector<int>& songs,
                                   const LoaderOptions& options);
  std::size_t n_batches() const { return n_batches_; }
  std::size_t n_windows() const { return plan_.size(); }  // of the whole epoch, every shard
  // Moves the next batch into `batch`; false after the last one. Rethrows a producer error.
  bool next(TrainBatch& batch);

 private:
  struct Item {
    const SongFeatures* song;
    std::size_t offset;
  };
  void produce();
  // The cached song a window is cut from: the item's, or its resampled copy's (resample_prob).
  const SongFeatures& source_of(const Item& item, std::size_t place) const;
  void mix(TrainBatch& batch, std::size_t window, std::mt19937_64& rng) const;
  // Plan positions [begin, end) of this shard's part of global batch b.
  std::pair<std::size_t, std::size_t> shard_range(std::size_t b) const;

  const FeatureCache& cache_;
  LoaderOptions options_;
  std::uint64_t seed_;
  std::vector<Item> plan_;
  std::size_t n_batches_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<TrainBatch> queue_;
  std::size_t produced_ = 0, consumed_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace genrec
