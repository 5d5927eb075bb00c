// The only file that reads audio with libsndfile (audio/wav_writer.cpp writes with it).
#include "audio/decoder.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "audio/error.h"
#include "audio/sndfile_memory.h"
#include "report/text_escape.h"

namespace genrec {
namespace {

constexpr int kMinRate = 1000;
constexpr int kMaxRate = 768000;
constexpr int kMaxChannels = 64;

std::string format_name(int format) {
  SF_FORMAT_INFO fi{};
  fi.format = format & SF_FORMAT_TYPEMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof(fi)) == 0 && fi.name) return fi.name;
  return "unknown";
}

// Turns libsndfile's open failure into a cause a user can act on.
std::string open_failure_cause(SNDFILE* none) {
  std::string why = sf_strerror(none);
  if (why.find("Format not recognised") != std::string::npos ||
      why.find("unknown format") != std::string::npos)
    return "not an audio file libsndfile can read (unknown format)";
  return why;
}

// A text file (no NUL byte in its first 512 bytes; no audio container's header is like that,
// NIST SPHERE's text header aside) is refused before libsndfile sees it: its last resort, the
// MPEG decoder, would otherwise print resync notes to stderr for every such file.
bool looks_like_text(const std::uint8_t* p, std::size_t n) {
  if (n == 0 || (n >= 4 && std::memcmp(p, "NIST", 4) == 0)) return false;
  return std::find(p, p + std::min<std::size_t>(n, 512), 0) == p + std::min<std::size_t>(n, 512);
}

constexpr const char* kTextCause = "not an audio file (it looks like text)";

}  // namespace

struct Decoder::Impl {
  std::string name;
  AudioInfo info;
  std::unique_ptr<SndfileMemory> memory;  // set for open_memory; must outlive the handle
  SF_VIRTUAL_IO vio = sndfile_memory_io();
  SNDFILE* sf = nullptr;
  std::vector<float> interleaved;

  ~Impl() {
    if (sf) sf_close(sf);
  }

  void check_opened(const SF_INFO& si) {
    if (!sf) throw Error("decode", name, open_failure_cause(nullptr));
    info.sample_rate = si.samplerate;
    info.channels = si.channels;
    info.frames = si.frames;
    info.format = format_name(si.format);
    if (si.channels < 1 || si.channels > kMaxChannels)
      throw Error("decode", name, "unsupported channel count " + std::to_string(si.channels));
    if (si.samplerate < kMinRate || si.samplerate > kMaxRate)
      throw Error("decode", name,
                  "sample rate " + std::to_string(si.samplerate) + " Hz is outside [1000, 768000]");
  }
};

Decoder::Decoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Decoder::Decoder(Decoder&&) noexcept = default;
Decoder& Decoder::operator=(Decoder&&) noexcept = default;
Decoder::~Decoder() = default;

Decoder Decoder::open_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // std::filesystem and libsndfile see a C string: a NUL byte would silently cut the name.
  if (path.find('\0') != std::string::npos)
    throw Error("decode", printable(path), "the path contains a NUL byte");
  if (!fs::exists(path, ec)) throw Error("decode", path, "no such file");
  if (fs::is_directory(path, ec)) throw Error("decode", path, "is a directory");
  // A FIFO, socket or device may never end (or never start): only regular files are read.
  if (!fs::is_regular_file(path, ec))
    throw Error("decode", path, "not a regular file (a FIFO, socket or device): refused");
  if (fs::file_size(path, ec) == 0) throw Error("decode", path, "empty file");
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  SF_INFO si{};
  {
    std::ifstream head(path, std::ios::binary);
    std::vector<std::uint8_t> first(512);
    head.read(reinterpret_cast<char*>(first.data()), static_cast<std::streamsize>(first.size()));
    if (looks_like_text(first.data(), static_cast<std::size_t>(head.gcount())))
      throw Error("decode", path, kTextCause);
  }
  impl->sf = sf_open(path.c_str(), SFM_READ, &si);
  impl->check_opened(si);
  return Decoder(std::move(impl));
}

Decoder Decoder::open_memory(std::vector<std::uint8_t> bytes, const std::string& name) {
  if (bytes.empty()) throw Error("decode", name, "empty file");
  if (looks_like_text(bytes.data(), bytes.size())) throw Error("decode", name, kTextCause);
  auto impl = std::make_unique<Impl>();
  impl->name = name;
  impl->memory = std::make_unique<SndfileMemory>();
  impl->memory->bytes = std::move(bytes);
  SF_INFO si{};
  impl->sf = sf_open_virtual(&impl->vio, SFM_READ, &si, impl->memory.get());
  impl->check_opened(si);
  return Decoder(std::move(impl));
}

const AudioInfo& Decoder::info() const { return impl_->info; }
const std::string& Decoder::name() const { return impl_->name; }

std::size_t Decoder::read_mono(float* out, std::size_t n) {
  const int ch = impl_->info.channels;
  impl_->interleaved.resize(n * static_cast<std::size_t>(ch));
  sf_count_t got = sf_readf_float(impl_->sf, impl_->interleaved.data(), static_cast<sf_count_t>(n));
  if (got < 0) throw Error("decode", impl_->name, sf_strerror(impl_->sf));
  if (got == 0 && sf_error(impl_->sf) != SF_ERR_NO_ERROR)
    throw Error("decode", impl_->name, sf_strerror(impl_->sf));
  const float* in = impl_->interleaved.data();
  const float inv = 1.0f / static_cast<float>(ch);
  for (sf_count_t i = 0; i < got; ++i) {
    float acc = 0.0f;
    for (int c = 0; c < ch; ++c) acc += in[i * ch + c];
    float v = ch == 1 ? acc : acc * inv;
    if (!std::isfinite(v))
      throw Error("decode", impl_->name, "non-finite sample (NaN or Inf) in the audio data");
    out[i] = v;
  }
  return static_cast<std::size_t>(got);
}

}  // namespace genrec
