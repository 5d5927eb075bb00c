#include "data/cache_shard.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "audio/error.h"
#include "data/cache_key.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the feature cache maps little-endian float16 data directly; port read/write first"
#endif

namespace genrec {
namespace {

constexpr char kMagic[8] = {'G', 'E', 'N', 'R', 'E', 'C', 'S', 'H'};
constexpr char kEndMagic[8] = {'G', 'E', 'N', 'R', 'E', 'C', 'S', 'E'};
// 1: one file per dataset, read whole into memory (features-*.gcache). 2: shards, mapped.
// 3: each song's index entry carries the fingerprint of its decoded samples (model files
// record their training songs by it). 4: the configuration records how clips shorter than a
// segment were padded (their features are of the padded segment). 5: and the rate a resampled
// copy went through (FeatureConfig::via_rate).
constexpr std::uint32_t kVersion = 5;
constexpr std::uint64_t kAlign = 64;
constexpr std::size_t kFooterBytes = 16;

// Little-endian fields appended to a byte string.
class Bytes {
 public:
  void u32(std::uint32_t v) { put(v, 4); }
  void i32(std::int32_t v) { put(static_cast<std::uint32_t>(v), 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void f64(double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, 8);
    u64(b);
  }
  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    buf += s;
  }
  // The record lists below (config_fields, ...) write through these.
  void field(int v) { i32(v); }
  void field(double v) { f64(v); }
  void field(std::uint64_t v) { u64(v); }
  void field(const std::string& v) { str(v); }
  std::string buf;

 private:
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) buf.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
  }
};

// Bounds-checked little-endian fields of a memory range.
class Fields {
 public:
  Fields(const unsigned char* p, std::size_t n, const std::string& path)
      : p_(p), left_(n), path_(path) {}
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::uint64_t u64() { return get(8); }
  double f64() {
    const std::uint64_t b = u64();
    double v;
    std::memcpy(&v, &b, 8);
    return v;
  }
  std::string str() {
    const std::uint32_t n = u32();
    const unsigned char* s = take(n);
    return std::string(reinterpret_cast<const char*>(s), n);
  }
  const unsigned char* take(std::uint64_t n) {
    if (n > left_) fail("truncated or corrupt file (a field runs past the end)");
    const unsigned char* at = p_;
    p_ += n;
    left_ -= n;
    return at;
  }
  [[noreturn]] void fail(const std::string& cause) const { throw Error("cache", path_, cause); }
  // The record lists below (config_fields, ...) read through these.
  void field(int& v) { v = i32(); }
  void field(double& v) { v = f64(); }
  void field(std::uint64_t& v) { v = u64(); }
  void field(std::string& v) { v = str(); }

 private:
  std::uint64_t get(int n) {
    const unsigned char* b = take(static_cast<std::uint64_t>(n));
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
    return v;
  }
  const unsigned char* p_;
  std::uint64_t left_;
  std::string path_;
};

// Each record's fields in file order, one list for writing (Bytes) and reading (Fields).
template <typename Io, typename Config>
void config_fields(Io& io, Config& c) {
  io.field(c.sample_rate);
  io.field(c.segment_seconds);
  io.field(c.train_hop_seconds);
  io.field(c.n_fft);
  io.field(c.hop_length);
  io.field(c.n_mels);
  io.field(c.fmin);
  io.field(c.fmax);
  io.field(c.top_db);
  io.field(c.amin);
  io.field(c.pad);
  io.field(c.via_rate);
}
template <typename Io, typename Song>
void song_fields(Io& io, Song& s) {
  io.field(s.identity);
  io.field(s.rel_path);
  io.field(s.n_samples);
  io.field(s.n_frames);
  io.field(s.fingerprint);
  io.field(s.offset);
}
template <typename Io, typename Skip>
void skip_fields(Io& io, Skip& s) {
  io.field(s.identity);
  io.field(s.rel_path);
  io.field(s.cause);
}

void pad_to(Bytes& b, std::uint64_t already, std::uint64_t align) {
  const std::uint64_t end = already + b.buf.size();
  b.buf.append(static_cast<std::size_t>((align - end % align) % align), '\0');
}

}  // namespace

std::uint32_t shard_format_version() { return kVersion; }

ShardWriter::ShardWriter(const std::string& path, const std::string& tmp_path,
                         const FeatureConfig& config)
    : path_(path), tmp_path_(tmp_path), n_mels_(config.n_mels) {
  out_ = std::fopen(tmp_path.c_str(), "wb");
  if (!out_) throw Error("cache", tmp_path, std::string("cannot create: ") + std::strerror(errno));
  Bytes h;
  h.buf.append(kMagic, sizeof kMagic);
  h.u32(kVersion);
  h.str(cache_key(config));
  config_fields(h, config);
  pad_to(h, 0, kAlign);
  write(h.buf);
}

ShardWriter::~ShardWriter() {
  if (out_) std::fclose(out_);
  if (!finished_) std::remove(tmp_path_.c_str());
}

void ShardWriter::write(const std::string& bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), out_) != bytes.size())
    throw Error("cache", tmp_path_, "write failed (disk full?)");
  written_ += bytes.size();
}

void ShardWriter::add_song(const std::string& identity, const std::string& rel_path,
                           std::uint64_t n_samples, std::uint64_t n_frames,
                           std::uint64_t fingerprint, const std::uint16_t* frames) {
  ShardSong s{identity, rel_path, n_samples, n_frames, fingerprint, written_};
  const std::size_t n = static_cast<std::size_t>(n_frames) * static_cast<std::size_t>(n_mels_);
  Bytes b;
  b.buf.assign(reinterpret_cast<const char*>(frames), 2 * n);  // little-endian host (above)
  pad_to(b, written_, kAlign);
  write(b.buf);
  index_.songs.push_back(std::move(s));
}

void ShardWriter::add_skipped(const std::string& identity, const std::string& rel_path,
                              const std::string& cause) {
  index_.skipped.push_back(ShardSkip{identity, rel_path, cause});
}

void ShardWriter::finish() {
  const std::uint64_t index_offset = written_;
  Bytes b;
  b.u32(static_cast<std::uint32_t>(index_.songs.size()));
  for (const ShardSong& s : index_.songs) song_fields(b, s);
  b.u32(static_cast<std::uint32_t>(index_.skipped.size()));
  for (const ShardSkip& s : index_.skipped) skip_fields(b, s);
  b.u64(index_offset);
  b.buf.append(kEndMagic, sizeof kEndMagic);
  write(b.buf);
  // On disk before the rename, so a power cut leaves either no shard or a whole one.
  if (std::fflush(out_) != 0 || ::fsync(::fileno(out_)) != 0)
    throw Error("cache", tmp_path_, std::string("cannot write: ") + std::strerror(errno));
  const int closed = std::fclose(out_);
  out_ = nullptr;
  if (closed != 0) throw Error("cache", tmp_path_, "write failed on close (disk full?)");
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0)
    throw Error("cache", path_,
                std::string("cannot rename the temporary file: ") + std::strerror(errno));
  finished_ = true;
}

ShardIndex read_shard_index(const MappedFile& file, const std::string& path,
                            const std::string& config_key, int n_mels) {
  Fields h(file.data(), file.size(), path);
  if (file.size() < sizeof kMagic + 4 + kFooterBytes) h.fail("truncated file");
  if (std::memcmp(h.take(sizeof kMagic), kMagic, sizeof kMagic) != 0)
    h.fail("not a genrec feature-cache shard");
  const std::uint32_t version = h.u32();
  if (version != kVersion)
    h.fail("format version " + std::to_string(version) + " (this build reads version " +
           std::to_string(kVersion) + ")");
  const std::string key = h.str();
  if (key != config_key) h.fail("written for other features (" + key + ")");
  FeatureConfig c;
  config_fields(h, c);
  if (cache_key(c) != key || c.n_mels != n_mels) h.fail("corrupt header (configuration)");

  Fields footer(file.data() + file.size() - kFooterBytes, kFooterBytes, path);
  const std::uint64_t index_offset = footer.u64();
  if (std::memcmp(footer.take(sizeof kEndMagic), kEndMagic, sizeof kEndMagic) != 0)
    h.fail("truncated or corrupt file (no end marker)");
  if (index_offset < kAlign || index_offset > file.size() - kFooterBytes)
    h.fail("corrupt footer (index offset)");
  Fields r(file.data() + index_offset, file.size() - kFooterBytes - index_offset, path);
  ShardIndex index;
  const std::uint32_t n_songs = r.u32();
  for (std::uint32_t i = 0; i < n_songs; ++i) {
    ShardSong s;
    song_fields(r, s);
    const std::uint64_t bytes = 2 * s.n_frames * static_cast<std::uint64_t>(n_mels);
    if (s.offset % kAlign != 0 || s.offset > index_offset || bytes > index_offset - s.offset ||
        s.n_frames != 1 + s.n_samples / static_cast<std::uint64_t>(c.hop_length))
      r.fail("corrupt index (song " + std::to_string(i) + ")");
    index.songs.push_back(std::move(s));
  }
  const std::uint32_t n_skipped = r.u32();
  for (std::uint32_t i = 0; i < n_skipped; ++i) {
    ShardSkip s;
    skip_fields(r, s);
    index.skipped.push_back(std::move(s));
  }
  r.take(0);
  return index;
}

}  // namespace genrec
