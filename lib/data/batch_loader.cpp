#include "data/batch_loader.h"

#include "audio/error.h"
#include "data/beta_sampler.h"

namespace genrec {
namespace {

// A song's random windows per epoch: crops_per_song, plus crops_per_segment for each whole
// segment after the first.
std::size_t crops_of(const SongFeatures& song, const FeatureConfig& config,
                     const LoaderOptions& options) {
  const std::size_t segments = song.n_samples / config.segment_samples();
  const std::size_t extra = segments > 1 ? segments - 1 : 0;
  return static_cast<std::size_t>(options.crops_per_song) +
         static_cast<std::size_t>(options.crops_per_segment) * extra;
}

}  // namespace

BatchLoader::BatchLoader(const FeatureCache& cache, const std::vector<int>& songs,
                         const LoaderOptions& options, std::uint64_t seed)
    : cache_(cache), options_(options), seed_(seed) {
  if (options.batch_size < 1 || options.crops_per_song < 1 || options.crops_per_segment < 0)
    throw Error("loader", "options",
                "batch_size and crops_per_song must be >= 1, crops_per_segment >= 0");
  if (options.n_shards < 1 || options.shard < 0 || options.shard >= options.n_shards ||
      options.batch_size % options.n_shards != 0)
    throw Error("loader", "options",
                "batch_size " + std::to_string(options.batch_size) +
                    " is not a multiple of the world size " + std::to_string(options.n_shards));
  if (options.paired_views && options.mixup_alpha > 0)
    throw Error("loader", "options",
                "paired views (consistency training) and mixup exclude each other");
  if (options.lowpass_teacher_views && options.mixup_alpha > 0)
    throw Error("loader", "options", "band-limiting teacher views and mixup exclude each other");
  std::mt19937_64 rng(seed);
  for (int s : songs) {
    const SongFeatures* f = cache.find(s);
    if (!f) continue;
    const std::size_t max_offset = max_frame_offset(*f, cache.config());
    for (std::size_t c = crops_of(*f, cache.config(), options); c > 0; --c)
      plan_.push_back({f, static_cast<std::size_t>(uniform_index(rng, max_offset + 1))});
  }
  if (plan_.empty()) throw Error("loader", "training set", "no songs with features");
  // Fisher-Yates with our own index draw: the same order on every platform.
  for (std::size_t i = plan_.size() - 1; i > 0; --i)
    std::swap(plan_[i], plan_[uniform_index(rng, i + 1)]);
  const auto shards = static_cast<std::size_t>(options.n_shards);
  plan_.resize(plan_.size() - plan_.size() % shards);
  if (plan_.empty()) throw Error("loader", "training set", "fewer windows than ranks");
  n_batches_ = count_batches(plan_.size(), options.batch_size);
  plan_.resize(std::min(plan_.size(), n_batches_ * static_cast<std::size_t>(options.batch_size)));
  thread_ = std::thread([this] { produce(); });
}

std::size_t BatchLoader::count_batches(std::size_t n_windows, int batch_size, int n_shards) {
  const auto bs = static_cast<std::size_t>(batch_size);
  n_windows -= n_windows % static_cast<std::size_t>(n_shards);
  // A last batch of a single window gives batch norm a degenerate batch: drop that window.
  if (n_windows > bs && n_windows % bs == 1) --n_windows;
  return (n_windows + bs - 1) / bs;
}

std::size_t BatchLoader::count_windows(const FeatureCache& cache, const std::vector<int>& songs,
                                       const LoaderOptions& options) {
  std::size_t n = 0;
  for (int s : songs)
    if (const SongFeatures* f = cache.find(s)) n += crops_of(*f, cache.config(), options);
  return n;
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void BatchLoader::mix(TrainBatch& batch, std::size_t window, std::mt19937_64& rng) const {
  // ref: Zhang et al. 2018, mixup; lam >= 0.5 keeps the window's own label the main one.
  const std::vector<float> original = batch.x;
  batch.y_mix.resize(batch.size);
  batch.lam.resize(batch.size);
  for (std::size_t i = 0; i < batch.size; ++i) {
    const std::size_t j = uniform_index(rng, batch.size);
    const double l = beta_symmetric(options_.mixup_alpha, rng);  // the same on every platform
    const auto lam = static_cast<float>(std::max(l, 1.0 - l));
    float* x = batch.x.data() + i * window;
    const float* other = original.data() + j * window;
    for (std::size_t k = 0; k < window; ++k) x[k] = lam * x[k] + (1.0f - lam) * other[k];
    batch.y_mix[i] = batch.y[j];
    batch.lam[i] = lam;
  }
}

const SongFeatures& BatchLoader::source_of(const Item& item, std::size_t place) const {
  if (options_.resample_prob <= 0 || options_.resampled.empty()) return *item.song;
  // A stream of its own per window, so the other draws are those of a run without copies.
  std::mt19937_64 rng(seed_ ^ 0xA0761D6478BD642Full ^
                      (0xE7037ED1A0B428DBull * static_cast<std::uint64_t>(place + 1)));
  if (uniform01(rng) >= options_.resample_prob) return *item.song;
  const FeatureCache* copy = options_.resampled[uniform_index(rng, options_.resampled.size())];
  const SongFeatures* f = copy->find(item.song->song);
  if (!f) throw Error("loader", item.song->rel_path, "missing from a resampled copy's cache");
  return *f;
}

std::pair<std::size_t, std::size_t> BatchLoader::shard_range(std::size_t b) const {
  const auto bs = static_cast<std::size_t>(options_.batch_size);
  const auto shards = static_cast<std::size_t>(options_.n_shards);
  const std::size_t begin = b * bs, size = std::min(bs, plan_.size() - begin) / shards;
  const std::size_t first = begin + static_cast<std::size_t>(options_.shard) * size;
  return {first, first + size};
}

void BatchLoader::produce() {
  try {
    const FeatureConfig& config = cache_.config();
    const int n_mels = config.n_mels;
    const auto n_frames = static_cast<int>(config.frames_per_segment());
    const std::size_t window = static_cast<std::size_t>(n_mels) * n_frames;
    // Streams of their own for the augmentation, so the plan and the masks stay independent;
    // one per window (by its place in the epoch), so a window gets the same masks whichever
    // rank trains it. Mixup pairs windows within a rank's batch: a stream per rank.
    std::mt19937_64 mix_rng(seed_ ^ 0xD1B54A32D192ED03ull ^
                            (0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(options_.shard)));
    std::vector<float> raw;  // a window before augmentation (band-limiting teacher views)
    for (std::size_t b = 0; b < n_batches_; ++b) {
      TrainBatch batch;
      const auto [begin, end] = shard_range(b);
      batch.size = end - begin;
      batch.x.resize(batch.size * window);
      batch.y.resize(batch.size);
      if (options_.paired_views) batch.x_pair.resize(batch.size * window);
      for (std::size_t i = 0; i < batch.size; ++i) {
        const Item& item = plan_[begin + i];
        float* x = batch.x.data() + i * window;
        cut_segment(source_of(item, begin + i), item.offset, config, x);
        float* pair = nullptr;
        if (options_.paired_views) {
          pair = batch.x_pair.data() + i * window;
          std::copy(x, x + window, pair);
        }
        if (options_.augment_enabled) {
          const auto place = static_cast<std::uint64_t>(begin + i + 1);
          const std::uint64_t window_seed =
              seed_ ^ 0x9E3779B97F4A7C15ull ^ (0xBF58476D1CE4E5B9ull * place);
          if (options_.lowpass_teacher_views) raw.assign(x, x + window);
          std::mt19937_64 rng(window_seed);
          const bool lowpassed = augment_window(x, n_mels, n_frames, options_.augment,
                                                options_.top_db, options_.fill, rng);
          if (options_.lowpass_teacher_views && lowpassed) {
            // The same draws from the same state, without the band limiting.
            std::mt19937_64 same(window_seed);
            augment_window(raw.data(), n_mels, n_frames, options_.augment, options_.top_db,
                           options_.fill, same, /*apply_lowpass=*/false);
            batch.full_index.push_back(static_cast<std::int64_t>(i));
            batch.x_full.insert(batch.x_full.end(), raw.begin(), raw.end());
          }
          if (pair) {
            std::mt19937_64 pair_rng(seed_ ^ 0x94D049BB133111EBull ^
                                     (0xBF58476D1CE4E5B9ull * place));
            augment_window(pair, n_mels, n_frames, options_.augment, options_.top_db, options_.fill,
                           pair_rng);
          }
        }
        batch.y[i] = item.song->label;
      }
      if (options_.mixup_alpha > 0) mix(batch, window, mix_rng);
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || queue_.size() < options_.queue_capacity; });
      if (stop_) return;
      queue_.push_back(std::move(batch));
      ++produced_;
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
    changed_.notify_all();
  }
}

bool BatchLoader::next(TrainBatch& batch) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (consumed_ == n_batches_) return false;
  changed_.wait(lock, [&] { return !queue_.empty() || error_; });
  if (queue_.empty()) std::rethrow_exception(error_);
  batch = std::move(queue_.front());
  queue_.pop_front();
  ++consumed_;
  changed_.notify_all();
  return true;
}

}  // namespace genrec
