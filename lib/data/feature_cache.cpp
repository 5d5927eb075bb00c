#include "data/feature_cache.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "audio/audio_source.h"
#include "audio/error.h"
#include "audio/mel.h"
#include "audio/resampler.h"
#include "audio/segmenter.h"
#include "data/cache_key.h"
#include "data/cache_shard.h"
#include "data/half.h"
#include "data/mapped_file.h"

namespace genrec {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPrefix = "features-";
constexpr const char* kExtension = ".gshard";
constexpr const char* kOldExtension = ".gcache";  // format 1: one file per dataset
// Content-defined shard boundaries: a shard ends before a song whose rel_path hashes to 0 mod
// kMeanSongs (or at kMaxSongs songs), so adding or removing a song changes only its own shard.
constexpr std::uint64_t kMeanSongs = 32;
constexpr std::size_t kMaxSongs = 128;

std::uint64_t fnv1a(const std::string& s, std::uint64_t h = 14695981039346656037ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// What tells one version of a song's file from another: path, size and modification time.
std::string song_identity(const Song& s) {
  std::error_code ec;
  const auto size = fs::file_size(s.path, ec);
  const std::int64_t bytes = ec ? -1 : static_cast<std::int64_t>(size);
  const auto mtime = fs::last_write_time(s.path, ec);
  const std::int64_t ticks = ec ? -1 : static_cast<std::int64_t>(mtime.time_since_epoch().count());
  return s.path + "\t" + std::to_string(bytes) + "\t" + std::to_string(ticks);
}

struct ShardPlan {
  std::vector<int> songs;  // dataset indices, ascending
  std::vector<std::string> identities;
  std::string name;  // file name
};

std::vector<ShardPlan> plan_shards(const Dataset& data, const FeatureConfig& config) {
  std::vector<ShardPlan> plan;
  for (std::size_t i = 0; i < data.songs.size(); ++i) {
    const Song& s = data.songs[i];
    if (plan.empty() || plan.back().songs.size() >= kMaxSongs ||
        fnv1a(s.rel_path) % kMeanSongs == 0)
      plan.emplace_back();
    plan.back().songs.push_back(static_cast<int>(i));
    plan.back().identities.push_back(song_identity(s));
  }
  const std::string key = cache_key(config);
  for (ShardPlan& p : plan) {
    std::uint64_t h = fnv1a(key + "\n");
    for (const std::string& id : p.identities) h = fnv1a(id + "\n", h);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    p.name = std::string(kPrefix) + hex + kExtension;
  }
  return plan;
}

// Throws genrec::Error("cache", path, cause) unless the index holds exactly the planned songs
// (features or a skip record each), in order.
void check_songs(const ShardIndex& index, const ShardPlan& plan, const std::string& path) {
  std::size_t a = 0, b = 0;
  for (const std::string& id : plan.identities) {
    if (a < index.songs.size() && index.songs[a].identity == id)
      ++a;
    else if (b < index.skipped.size() && index.skipped[b].identity == id)
      ++b;
    else
      throw Error("cache", path, "holds other songs than its name says");
  }
  if (a != index.songs.size() || b != index.skipped.size())
    throw Error("cache", path, "holds other songs than its name says");
}

// True when the shard file exists and is whole; logs why an existing one is not used.
bool shard_is_valid(const fs::path& path, const ShardPlan& plan, const FeatureConfig& config) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  try {
    const MappedFile file = MappedFile::open(path.string());
    check_songs(read_shard_index(file, path.string(), cache_key(config), config.n_mels), plan,
                path.string());
    return true;
  } catch (const Error& e) {
    spdlog::warn("{}; rebuilding it", e.what());
    return false;
  }
}

std::string host_name() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "host";
  return buf;
}

// "<shard>.tmp.<host>.<pid>": the temporary file of a shard being written.
std::string tmp_suffix() { return ".tmp." + host_name() + "." + std::to_string(::getpid()); }

// Removes temporary shard files of builds on this machine whose process is gone (killed).
void remove_stale_tmp_files(const fs::path& dir) {
  const std::string mine = ".tmp." + host_name() + ".";
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    const std::size_t at = name.rfind(mine);
    if (name.rfind(kPrefix, 0) != 0 || at == std::string::npos) continue;
    const std::string pid_text = name.substr(at + mine.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(pid_text);
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      fs::remove(e.path(), ec);
      spdlog::info("removed '{}', left by an interrupted build", e.path().string());
    }
  }
}

// One song's features, frame-major float16, or why it could not be decoded.
struct Extracted {
  bool ok = false;
  std::string error;
  std::size_t n_samples = 0, n_frames = 0;
  std::uint64_t fingerprint = 0;      // SampleStats::fingerprint of the decoded samples
  std::vector<std::uint16_t> frames;  // [n_frames][n_mels]
};

// The audio as a source at `via_rate` would reach the front end: down to that rate and back up,
// as predict resamples a low-rate file; the length is kept, so frames stay aligned with the
// original's.
void through_rate(std::vector<float>& audio, int rate, int via_rate) {
  const std::vector<float> low = Resampler::convert(audio.data(), audio.size(), rate, via_rate);
  std::vector<float> back = Resampler::convert(low.data(), low.size(), via_rate, rate);
  back.resize(audio.size(), 0.0f);
  audio.swap(back);
}

Extracted extract_song(const Song& song, LogMelExtractor& extractor, std::vector<float>& mel) {
  const FeatureConfig& config = extractor.config();
  Extracted r;
  try {
    AudioSource source = AudioSource::open_file(song.path, config.sample_rate);
    std::vector<float> audio = read_all(source);
    r.fingerprint = source.stats().fingerprint();
    if (config.via_rate > 0 && !audio.empty())
      through_rate(audio, config.sample_rate, config.via_rate);
    // A clip shorter than one segment is padded to one, as prediction pads it (segmenter.h).
    if (!audio.empty() && audio.size() < config.segment_samples()) {
      const std::size_t have = audio.size();
      audio.resize(config.segment_samples());
      pad_clip(audio, have, config.pad);
    }
    extractor.mel_power(audio.data(), audio.size(), mel);
    power_to_db(mel.data(), mel.size(), config.amin, /*top_db=*/0.0);  // floor at cut time
    r.n_samples = audio.size();
    r.n_frames = extractor.n_frames(audio.size());
    const std::size_t n_mels = static_cast<std::size_t>(config.n_mels);
    r.frames.resize(mel.size());
    for (std::size_t m = 0; m < n_mels; ++m)  // band-major -> frame-major
      for (std::size_t t = 0; t < r.n_frames; ++t)
        r.frames[t * n_mels + m] = float_to_half(mel[m * r.n_frames + t]);
    r.ok = true;
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  return r;
}

// Builds the given shards: `threads` workers decode songs in order (a bounded distance ahead of
// the writer) while this thread appends them to their shard files.
void build_shards(const Dataset& data, const FeatureConfig& config, const fs::path& dir,
                  const std::vector<const ShardPlan*>& shards, int threads,
                  CacheBuildReport& report, const BuildProgress& progress) {
  struct Job {
    const ShardPlan* shard;
    std::size_t pos;
  };
  std::vector<Job> jobs;
  for (const ShardPlan* s : shards)
    for (std::size_t i = 0; i < s->songs.size(); ++i) jobs.push_back({s, i});
  if (jobs.empty()) return;
  const std::size_t n_workers = std::max<std::size_t>(
      1, std::min<std::size_t>(static_cast<std::size_t>(threads), jobs.size()));
  const std::size_t lookahead = 4 * n_workers;
  std::vector<std::optional<Extracted>> results(jobs.size());
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t written = 0;
  std::atomic<std::size_t> next{0};
  bool stop = false;
  auto work = [&] {
    LogMelExtractor extractor(config);  // one per thread: FFT plans keep scratch memory
    std::vector<float> mel;
    for (;;) {
      const std::size_t g = next++;
      if (g >= jobs.size()) return;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return stop || g < written + lookahead; });
        if (stop) return;
      }
      const Song& song = data.songs[static_cast<std::size_t>(jobs[g].shard->songs[jobs[g].pos])];
      Extracted r = extract_song(song, extractor, mel);
      std::lock_guard<std::mutex> lock(mutex);
      results[g] = std::move(r);
      changed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < n_workers; ++t) pool.emplace_back(work);
  auto stop_pool = [&] {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    changed.notify_all();
    for (std::thread& t : pool) t.join();
  };
  try {
    const std::string suffix = tmp_suffix();
    std::unique_ptr<ShardWriter> writer;
    for (std::size_t g = 0; g < jobs.size(); ++g) {
      const ShardPlan& shard = *jobs[g].shard;
      const std::size_t pos = jobs[g].pos;
      if (pos == 0) {
        const fs::path path = dir / shard.name;
        writer = std::make_unique<ShardWriter>(path.string(), path.string() + suffix, config);
      }
      Extracted r;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return results[g].has_value(); });
        r = std::move(*results[g]);
        results[g].reset();
      }
      const Song& song = data.songs[static_cast<std::size_t>(shard.songs[pos])];
      if (r.ok) {
        writer->add_song(shard.identities[pos], song.rel_path, r.n_samples, r.n_frames,
                         r.fingerprint, r.frames.data());
        ++report.n_songs_built;
      } else {
        spdlog::warn("skipped '{}': {}", song.rel_path, r.error);
        writer->add_skipped(shard.identities[pos], song.rel_path, r.error);
        ++report.n_skipped_built;
      }
      {
        std::lock_guard<std::mutex> lock(mutex);
        written = g + 1;
      }
      changed.notify_all();
      if (progress) progress(g + 1, jobs.size());
      if (pos + 1 == shard.songs.size()) {
        writer->finish();
        writer.reset();
        ++report.n_built;
      }
    }
  } catch (...) {
    stop_pool();
    throw;
  }
  stop_pool();
}

}  // namespace

struct FeatureCache::Storage {
  std::deque<MappedFile> files;       // a deque: SongFeatures::file points into it
  std::vector<std::uint16_t> memory;  // after load_into_memory()
  std::uint64_t bytes = 0;
};

FeatureCache::FeatureCache() : storage_(std::make_unique<Storage>()) {}
FeatureCache::~FeatureCache() = default;
FeatureCache::FeatureCache(FeatureCache&&) noexcept = default;
FeatureCache& FeatureCache::operator=(FeatureCache&&) noexcept = default;

std::vector<std::string> FeatureCache::shard_names(const Dataset& data,
                                                   const FeatureConfig& config) {
  std::vector<std::string> names;
  for (const ShardPlan& p : plan_shards(data, config)) names.push_back(p.name);
  return names;
}

CacheBuildReport FeatureCache::build_missing(const Dataset& data, const FeatureConfig& config,
                                             const std::string& cache_dir, int threads,
                                             ShardSelection selection, bool force,
                                             const BuildProgress& progress) {
  config.validate();
  if (selection.count < 1 || selection.index < 0 || selection.index >= selection.count)
    throw Error(
        "cache",
        "--shard " + std::to_string(selection.index) + "/" + std::to_string(selection.count),
        "expected K/N with 0 <= K < N");
  const auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (!fs::is_directory(cache_dir, ec)) throw Error("cache", cache_dir, "cannot create directory");
  remove_stale_tmp_files(cache_dir);
  const std::vector<ShardPlan> plan = plan_shards(data, config);
  CacheBuildReport report;
  report.n_shards = plan.size();
  std::vector<const ShardPlan*> todo;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(selection.count)) != selection.index)
      continue;
    ++report.n_selected;
    if (!force && shard_is_valid(fs::path(cache_dir) / plan[i].name, plan[i], config))
      ++report.n_present;
    else
      todo.push_back(&plan[i]);
  }
  build_shards(data, config, cache_dir, todo, std::max(threads, 1), report, progress);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

FeatureCache FeatureCache::open(const Dataset& data, const FeatureConfig& config,
                                const std::string& cache_dir) {
  config.validate();
  FeatureCache cache;
  cache.config_ = config;
  cache.labels_ = data.labels;
  cache.dir_ = cache_dir;
  cache.skipped_ = data.skipped;
  for (const ShardPlan& plan : plan_shards(data, config)) {
    const std::string path = (fs::path(cache_dir) / plan.name).string();
    std::error_code ec;
    if (!fs::exists(path, ec))
      throw Error("cache", path, "missing shard (run genrec preprocess, or train, to build it)");
    const MappedFile& file = cache.storage_->files.emplace_back(MappedFile::open(path));
    cache.storage_->bytes += file.size();
    const ShardIndex index = read_shard_index(file, path, cache_key(config), config.n_mels);
    check_songs(index, plan, path);
    std::size_t a = 0;
    for (std::size_t i = 0; i < plan.songs.size(); ++i) {
      if (a < index.songs.size() && index.songs[a].identity == plan.identities[i]) {
        const ShardSong& s = index.songs[a++];
        const Song& song = data.songs[static_cast<std::size_t>(plan.songs[i])];
        SongFeatures f;
        f.song = plan.songs[i];
        f.label = song.label;
        f.rel_path = song.rel_path;
        f.n_samples = static_cast<std::size_t>(s.n_samples);
        f.n_frames = static_cast<std::size_t>(s.n_frames);
        f.fingerprint = s.fingerprint;
        f.file = &file;
        f.offset = s.offset;
        cache.songs_.push_back(std::move(f));
      }
    }
    for (const ShardSkip& s : index.skipped)
      cache.skipped_.push_back(SkippedSong{s.rel_path, s.cause});
  }
  if (cache.songs_.empty()) throw Error("cache", data.root, "no song could be decoded");
  return cache;
}

FeatureCache FeatureCache::open_or_build(const Dataset& data, const FeatureConfig& config,
                                         const std::string& cache_dir, int threads) {
  const CacheBuildReport r = build_missing(data, config, cache_dir, threads);
  FeatureCache cache = open(data, config, cache_dir);
  // Songs that failed to decode in shards built before this run (this run's are logged).
  if (r.n_present > 0)
    for (std::size_t i = data.skipped.size(); i < cache.skipped_.size(); ++i)
      spdlog::warn("skipped '{}': {}", cache.skipped_[i].rel_path, cache.skipped_[i].cause);
  std::size_t n_other = 0;
  std::error_code ec;
  const std::vector<std::string> names = shard_names(data, config);
  for (const fs::directory_entry& e : fs::directory_iterator(cache_dir, ec)) {
    const fs::path& p = e.path();
    if (p.extension() == kExtension &&
        std::find(names.begin(), names.end(), p.filename().string()) == names.end())
      ++n_other;
    if (p.extension() == kOldExtension)
      spdlog::info(
          "'{}' is a feature cache of an older genrec (format 1, one file); it is not read "
          "and can be deleted",
          p.string());
  }
  spdlog::info(
      "feature cache '{}': {} shards ({} reused, {} built in {:.1f} s), {} songs, {} "
      "skipped{}",
      cache_dir, r.n_shards, r.n_present, r.n_built, r.seconds, cache.songs_.size(),
      cache.skipped_.size(),
      n_other ? fmt::format("; {} shards of other features or files not used", n_other)
              : std::string());
  return cache;
}

FeatureCache FeatureCache::build(const Dataset& data, const FeatureConfig& config,
                                 const std::string& cache_dir, int threads) {
  build_missing(data, config, cache_dir, threads, ShardSelection{}, /*force=*/true);
  return open(data, config, cache_dir);
}

void FeatureCache::load_into_memory() {
  const std::size_t n_mels = static_cast<std::size_t>(config_.n_mels);
  std::size_t total = 0;
  for (const SongFeatures& s : songs_) total += s.n_frames * n_mels;
  std::vector<std::uint16_t> memory(total);
  std::size_t at = 0;
  for (SongFeatures& s : songs_) {
    read_song_frames(s, 0, s.n_frames, config_.n_mels, memory.data() + at);
    s.half = memory.data() + at;
    s.file = nullptr;
    at += s.n_frames * n_mels;
  }
  storage_->memory = std::move(memory);
  storage_->files.clear();
}

std::size_t FeatureCache::n_shards() const { return storage_->files.size(); }
std::uint64_t FeatureCache::bytes() const { return storage_->bytes; }

const SongFeatures* FeatureCache::find(int song) const {
  auto it = std::lower_bound(songs_.begin(), songs_.end(), song,
                             [](const SongFeatures& s, int v) { return s.song < v; });
  return it != songs_.end() && it->song == song ? &*it : nullptr;
}

const SongFeatures* FeatureCache::find(const std::string& rel_path) const {
  auto it =
      std::lower_bound(songs_.begin(), songs_.end(), rel_path,
                       [](const SongFeatures& s, const std::string& v) { return s.rel_path < v; });
  return it != songs_.end() && it->rel_path == rel_path ? &*it : nullptr;
}

std::size_t FeatureCache::n_train_segments() const {
  std::size_t n = 0;
  for (const SongFeatures& s : songs_) n += train_frame_offsets(s, config_).size();
  return n;
}

std::size_t max_frame_offset(const SongFeatures& song, const FeatureConfig& config) {
  const std::size_t fps = config.frames_per_segment();
  return song.n_frames > fps ? song.n_frames - fps : 0;
}

std::vector<std::size_t> train_frame_offsets(const SongFeatures& song,
                                             const FeatureConfig& config) {
  const auto hop = static_cast<std::size_t>(
      std::max(1LL, std::llround(config.train_hop_seconds * config.sample_rate)));
  const std::size_t last = max_frame_offset(song, config);
  std::vector<std::size_t> offsets;
  for (std::size_t start : segment_starts(song.n_samples, config.segment_samples(), hop)) {
    const auto frame =
        static_cast<std::size_t>(std::llround(static_cast<double>(start) / config.hop_length));
    offsets.push_back(std::min(frame, last));
  }
  return offsets;
}

void read_song_frames(const SongFeatures& song, std::size_t first, std::size_t n, int n_mels,
                      std::uint16_t* out) {
  const auto m = static_cast<std::size_t>(n_mels);
  if (first > song.n_frames || n > song.n_frames - first)
    throw Error("cache", song.rel_path, "frames past the end of the song");
  if (song.half)
    std::copy(song.half + first * m, song.half + (first + n) * m, out);
  else if (song.file)
    song.file->read(song.offset + first * m * sizeof(std::uint16_t), out,
                    n * m * sizeof(std::uint16_t));
  else
    throw Error("cache", song.rel_path, "no features");
}

void cut_segment(const SongFeatures& song, std::size_t frame_offset, const FeatureConfig& config,
                 float* out) {
  const std::size_t n_mels = static_cast<std::size_t>(config.n_mels);
  const std::size_t fps = config.frames_per_segment();
  if (!song.half && !song.file) throw Error("cache", song.rel_path, "no features");
  // Past the end of the song: what power_to_db gives for silence (the floor lifts it).
  const float silence_db = static_cast<float>(10.0 * std::log10(config.amin));
  const std::size_t n_in =
      frame_offset < song.n_frames ? std::min(fps, song.n_frames - frame_offset) : 0;
  float peak = -std::numeric_limits<float>::infinity();
  thread_local std::vector<std::uint16_t> frames;  // one window's words, reused per thread
  frames.resize(n_in * n_mels);
  if (n_in > 0) read_song_frames(song, frame_offset, n_in, config.n_mels, frames.data());
  const std::uint16_t* src = frames.data();
  for (std::size_t t = 0; t < n_in; ++t) {  // frame-major in, band-major out
    for (std::size_t m = 0; m < n_mels; ++m) {
      const float v = half_to_float(src[t * n_mels + m]);
      out[m * fps + t] = v;
      peak = std::max(peak, v);
    }
  }
  if (n_in < fps) {
    for (std::size_t m = 0; m < n_mels; ++m)
      std::fill(out + m * fps + n_in, out + (m + 1) * fps, silence_db);
    peak = std::max(peak, silence_db);
  }
  // ref: librosa.power_to_db(top_db) with the max over this window, as for a real segment.
  const float floor_db = peak - static_cast<float>(config.top_db);
  for (std::size_t i = 0; i < n_mels * fps; ++i) out[i] = std::max(out[i], floor_db);
}

}  // namespace genrec
