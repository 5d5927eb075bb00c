#include "data/feature_cache.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <thread>

#include "audio/audio_source.h"
#include "audio/error.h"
#include "audio/mel.h"
#include "audio/segmenter.h"
#include "data/half.h"

namespace genrec {
namespace fs = std::filesystem;
namespace {

constexpr char kMagic[8] = {'G', 'E', 'N', 'R', 'E', 'C', 'F', 'C'};
constexpr char kEndMagic[8] = {'G', 'E', 'N', 'R', 'E', 'C', 'F', 'E'};
constexpr std::uint32_t kVersion = 1;
constexpr const char* kExtension = ".gcache";

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Little-endian serialisation into a byte string (the header) or straight to a stream (data).
class Writer {
 public:
  void u32(std::uint32_t v) { bytes(v, 4); }
  void i32(std::int32_t v) { bytes(static_cast<std::uint32_t>(v), 4); }
  void u64(std::uint64_t v) { bytes(v, 8); }
  void f64(double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, 8);
    u64(b);
  }
  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    buf_ += s;
  }
  void raw(const char* p, std::size_t n) { buf_.append(p, n); }
  std::string& buffer() { return buf_; }

 private:
  void bytes(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) buf_.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
  }
  std::string buf_;
};

class Reader {
 public:
  Reader(std::istream& in, std::uint64_t size, const std::string& path)
      : in_(in), left_(size), path_(path) {}
  std::uint32_t u32() { return static_cast<std::uint32_t>(bytes(4)); }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::uint64_t u64() { return bytes(8); }
  double f64() {
    const std::uint64_t b = u64();
    double v;
    std::memcpy(&v, &b, 8);
    return v;
  }
  std::string str() {
    const std::uint32_t n = u32();
    std::string s(take(n), '\0');
    read_exact(s.data(), n);
    return s;
  }
  void raw(char* p, std::size_t n) { read_exact(p, take(n)); }
  std::uint64_t left() const { return left_; }
  [[noreturn]] void fail(const std::string& cause) const { throw Error("cache", path_, cause); }

 private:
  std::size_t take(std::uint64_t n) {
    if (n > left_) fail("truncated or corrupt file (a field runs past the end)");
    left_ -= n;
    return static_cast<std::size_t>(n);
  }
  std::uint64_t bytes(int n) {
    unsigned char b[8];
    raw(reinterpret_cast<char*>(b), static_cast<std::size_t>(n));
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
    return v;
  }
  void read_exact(char* p, std::size_t n) {
    if (n && !in_.read(p, static_cast<std::streamsize>(n))) fail("read error (truncated file?)");
  }
  std::istream& in_;
  std::uint64_t left_;
  std::string path_;
};

void write_config(Writer& w, const FeatureConfig& c) {
  w.i32(c.sample_rate);
  w.f64(c.segment_seconds);
  w.f64(c.train_hop_seconds);
  w.i32(c.n_fft);
  w.i32(c.hop_length);
  w.i32(c.n_mels);
  w.f64(c.fmin);
  w.f64(c.fmax);
  w.f64(c.top_db);
  w.f64(c.amin);
}

FeatureConfig read_config(Reader& r) {
  FeatureConfig c;
  c.sample_rate = r.i32();
  c.segment_seconds = r.f64();
  c.train_hop_seconds = r.f64();
  c.n_fft = r.i32();
  c.hop_length = r.i32();
  c.n_mels = r.i32();
  c.fmin = r.f64();
  c.fmax = r.f64();
  c.top_db = r.f64();
  c.amin = r.f64();
  return c;
}

// The 16-bit words of a song in file order (little-endian whatever the host).
void write_halves(std::ostream& out, const std::vector<std::uint16_t>& half) {
  std::string bytes(half.size() * 2, '\0');
  for (std::size_t i = 0; i < half.size(); ++i) {
    bytes[2 * i] = static_cast<char>(half[i] & 0xFFu);
    bytes[2 * i + 1] = static_cast<char>(half[i] >> 8);
  }
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Whole-clip unfloored dB mel of one song, as float16.
SongFeatures extract_song(const Song& song, int index, LogMelExtractor& extractor,
                          std::vector<float>& mel) {
  const FeatureConfig& config = extractor.config();
  const std::vector<float> audio = load_audio(song.path, config.sample_rate);
  extractor.mel_power(audio.data(), audio.size(), mel);
  power_to_db(mel.data(), mel.size(), config.amin, /*top_db=*/0.0);  // floor applied at cut time
  SongFeatures f;
  f.song = index;
  f.label = song.label;
  f.rel_path = song.rel_path;
  f.n_samples = audio.size();
  f.n_frames = extractor.n_frames(audio.size());
  f.half.resize(mel.size());
  floats_to_halves(mel.data(), mel.size(), f.half.data());
  return f;
}

void log_skipped(const std::vector<SkippedSong>& skipped) {
  for (const SkippedSong& s : skipped) spdlog::warn("skipped '{}': {}", s.rel_path, s.cause);
}

}  // namespace

std::string FeatureCache::dataset_key(const Dataset& data) {
  std::string key = "root=" + data.root + "\nlabels=";
  for (const std::string& l : data.labels) key += l + "\t";
  for (const Song& s : data.songs) {
    std::error_code ec;
    const auto size = fs::file_size(s.path, ec);
    const std::int64_t bytes = ec ? -1 : static_cast<std::int64_t>(size);
    const auto mtime = fs::last_write_time(s.path, ec);
    const std::int64_t ticks =
        ec ? -1 : static_cast<std::int64_t>(mtime.time_since_epoch().count());
    key += "\n" + s.rel_path + "\t" + std::to_string(s.label) + "\t" + std::to_string(bytes) +
           "\t" + std::to_string(ticks);
  }
  return key;
}

std::string FeatureCache::file_name(const Dataset& data, const FeatureConfig& config) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(fnv1a(config.key() + "\n" + dataset_key(data))));
  return std::string("features-") + hex + kExtension;
}

FeatureCache FeatureCache::build(const Dataset& data, const FeatureConfig& config,
                                 const std::string& cache_dir, int threads) {
  config.validate();
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = data.songs.size();
  std::vector<SongFeatures> features(n);
  std::vector<std::string> errors(n);
  std::vector<char> ok(n, 0);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    LogMelExtractor extractor(config);  // one per thread: FFT plans keep scratch memory
    std::vector<float> mel;
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        features[i] = extract_song(data.songs[i], static_cast<int>(i), extractor, mel);
        ok[i] = 1;
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    }
  };
  const int n_threads = static_cast<int>(std::max<std::size_t>(
      1, std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), n)));
  std::vector<std::thread> pool;
  for (int t = 1; t < n_threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  FeatureCache cache;
  cache.config_ = config;
  cache.config_key_ = config.key();
  cache.dataset_key_ = dataset_key(data);
  cache.root_ = data.root;
  cache.labels_ = data.labels;
  for (std::size_t i = 0; i < n; ++i) {
    if (ok[i])
      cache.songs_.push_back(std::move(features[i]));
    else
      cache.skipped_.push_back(SkippedSong{data.songs[i].rel_path, errors[i]});
  }
  log_skipped(cache.skipped_);
  if (cache.songs_.empty()) throw Error("cache", data.root, "no song could be decoded");

  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (!fs::is_directory(cache_dir, ec)) throw Error("cache", cache_dir, "cannot create directory");
  cache.path_ = (fs::path(cache_dir) / file_name(data, config)).string();

  Writer w;
  w.raw(kMagic, sizeof kMagic);
  w.u32(kVersion);
  w.str(cache.config_key_);
  w.str(cache.dataset_key_);
  w.str(cache.root_);
  write_config(w, config);
  w.u32(static_cast<std::uint32_t>(cache.labels_.size()));
  for (const std::string& l : cache.labels_) w.str(l);
  w.u32(static_cast<std::uint32_t>(cache.skipped_.size()));
  for (const SkippedSong& s : cache.skipped_) {
    w.str(s.rel_path);
    w.str(s.cause);
  }
  w.u32(static_cast<std::uint32_t>(cache.songs_.size()));
  for (const SongFeatures& s : cache.songs_) {
    w.i32(s.song);
    w.i32(s.label);
    w.u64(s.n_samples);
    w.u64(s.n_frames);
    w.str(s.rel_path);
  }
  // Unique temporary name, then an atomic rename: readers never see a half-written cache.
  const std::string tmp = cache.path_ + ".tmp" +
                          std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())) +
                          std::to_string(t0.time_since_epoch().count());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cache", tmp, "cannot open for writing");
    out.write(w.buffer().data(), static_cast<std::streamsize>(w.buffer().size()));
    for (const SongFeatures& s : cache.songs_) write_halves(out, s.half);
    out.write(kEndMagic, sizeof kEndMagic);
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      throw Error("cache", tmp, "write failed (disk full?)");
    }
  }
  fs::rename(tmp, cache.path_, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error("cache", cache.path_, "cannot rename the temporary file: " + ec.message());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("built feature cache '{}': {} songs, {} skipped, {:.1f} s on {} threads",
               cache.path_, cache.songs_.size(), cache.skipped_.size(), secs, n_threads);
  return cache;
}

FeatureCache FeatureCache::read(const std::string& path) {
  std::error_code ec;
  const std::uint64_t size = fs::file_size(path, ec);
  if (ec) throw Error("cache", path, "cannot open: " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cache", path, "cannot open");
  Reader r(in, size, path);
  char magic[8];
  r.raw(magic, sizeof magic);
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) r.fail("not a genrec feature cache");
  const std::uint32_t version = r.u32();
  if (version != kVersion)
    r.fail("format version " + std::to_string(version) + " (this build reads version " +
           std::to_string(kVersion) + ")");
  FeatureCache cache;
  cache.path_ = path;
  cache.config_key_ = r.str();
  cache.dataset_key_ = r.str();
  cache.root_ = r.str();
  cache.config_ = read_config(r);
  try {
    cache.config_.validate();
  } catch (const Error& e) {
    r.fail(std::string("corrupt configuration: ") + e.what());
  }
  if (cache.config_.key() != cache.config_key_) r.fail("corrupt header (configuration key)");
  const std::uint32_t n_labels = r.u32();
  if (n_labels > r.left()) r.fail("corrupt header (label count)");
  for (std::uint32_t i = 0; i < n_labels; ++i) cache.labels_.push_back(r.str());
  const std::uint32_t n_skipped = r.u32();
  if (n_skipped > r.left()) r.fail("corrupt header (skipped count)");
  for (std::uint32_t i = 0; i < n_skipped; ++i) {
    SkippedSong s;
    s.rel_path = r.str();
    s.cause = r.str();
    cache.skipped_.push_back(std::move(s));
  }
  const std::uint32_t n_songs = r.u32();
  if (n_songs > r.left()) r.fail("corrupt header (song count)");
  const std::size_t n_mels = static_cast<std::size_t>(cache.config_.n_mels);
  std::uint64_t data_bytes = 0;
  cache.songs_.resize(n_songs);
  for (std::uint32_t i = 0; i < n_songs; ++i) {
    SongFeatures& s = cache.songs_[i];
    s.song = r.i32();
    s.label = r.i32();
    s.n_samples = r.u64();
    s.n_frames = r.u64();
    s.rel_path = r.str();
    const bool ordered =
        i == 0 || (s.song > cache.songs_[i - 1].song && s.rel_path > cache.songs_[i - 1].rel_path);
    if (s.song < 0 || s.label < 0 || s.label >= static_cast<int>(n_labels) || !ordered ||
        s.n_frames != 1 + s.n_samples / static_cast<std::size_t>(cache.config_.hop_length) ||
        s.n_frames > r.left())
      r.fail("corrupt header (song " + std::to_string(i) + ")");
    data_bytes += 2 * n_mels * s.n_frames;
  }
  if (r.left() != data_bytes + sizeof kEndMagic)
    r.fail("truncated or corrupt file: " + std::to_string(r.left()) + " bytes of data, expected " +
           std::to_string(data_bytes + sizeof kEndMagic));
  std::string bytes;
  for (SongFeatures& s : cache.songs_) {
    bytes.resize(2 * n_mels * s.n_frames);
    r.raw(bytes.data(), bytes.size());
    s.half.resize(n_mels * s.n_frames);
    for (std::size_t i = 0; i < s.half.size(); ++i)
      s.half[i] = static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[2 * i]) |
                                             static_cast<unsigned char>(bytes[2 * i + 1]) << 8);
  }
  r.raw(magic, sizeof magic);
  if (std::memcmp(magic, kEndMagic, sizeof magic) != 0) r.fail("corrupt file (end marker)");
  return cache;
}

FeatureCache FeatureCache::open_or_build(const Dataset& data, const FeatureConfig& config,
                                         const std::string& cache_dir, int threads) {
  config.validate();
  const fs::path path = fs::path(cache_dir) / file_name(data, config);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    try {
      FeatureCache cache = read(path.string());
      if (cache.config_key_ == config.key() && cache.dataset_key_ == dataset_key(data)) {
        // Fields outside the key (train_hop_seconds) do not change the cached features.
        cache.config_ = config;
        spdlog::info("reusing feature cache '{}': {} songs, {} skipped", cache.path_,
                     cache.songs_.size(), cache.skipped_.size());
        log_skipped(cache.skipped_);
        return cache;
      }
      spdlog::info("feature cache '{}' was built for other features or files; rebuilding",
                   path.string());
    } catch (const Error& e) {
      spdlog::warn("{}; rebuilding", e.what());
    }
  } else {
    std::size_t n_other = 0;
    for (const fs::directory_entry& e : fs::directory_iterator(cache_dir, ec))
      if (e.path().extension() == kExtension) ++n_other;
    if (n_other > 0)
      spdlog::info(
          "no feature cache for this configuration and dataset in '{}' ({} other "
          "cache files not reused); building",
          cache_dir, n_other);
    else
      spdlog::info("no feature cache in '{}'; building", cache_dir);
  }
  return build(data, config, cache_dir, threads);
}

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

void cut_segment(const SongFeatures& song, std::size_t frame_offset, const FeatureConfig& config,
                 float* out) {
  const std::size_t n_mels = static_cast<std::size_t>(config.n_mels);
  const std::size_t fps = config.frames_per_segment();
  if (song.half.size() != n_mels * song.n_frames)
    throw Error("cache", song.rel_path, "features do not match n_mels of the configuration");
  // Past the end of the song: what power_to_db gives for silence (the floor lifts it).
  const float silence_db = static_cast<float>(10.0 * std::log10(config.amin));
  float peak = -std::numeric_limits<float>::infinity();
  for (std::size_t m = 0; m < n_mels; ++m) {
    const std::uint16_t* row = song.half.data() + m * song.n_frames;
    float* dst = out + m * fps;
    for (std::size_t t = 0; t < fps; ++t) {
      const std::size_t frame = frame_offset + t;
      dst[t] = frame < song.n_frames ? half_to_float(row[frame]) : silence_db;
      peak = std::max(peak, dst[t]);
    }
  }
  // ref: librosa.power_to_db(top_db) with the max over this window, as for a real segment.
  const float floor_db = peak - static_cast<float>(config.top_db);
  for (std::size_t i = 0; i < n_mels * fps; ++i) out[i] = std::max(out[i], floor_db);
}

}  // namespace genrec
