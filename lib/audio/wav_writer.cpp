// Writing audio with libsndfile (the decoder reads with it; both share audio/sndfile_memory).
#include "audio/wav_writer.h"

#include <sndfile.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "audio/error.h"
#include "audio/sndfile_memory.h"

namespace genrec {
namespace {

SF_INFO wav_info(int sample_rate, int channels, WavEncoding encoding) {
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format =
      SF_FORMAT_WAV | (encoding == WavEncoding::kFloat32 ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_16);
  return info;
}

// Frames handed to libsndfile per call. libvorbis's encoder takes stack space in proportion to
// the frames it is given at once (an alloca per channel), so one call with a few seconds of
// 44.1 kHz stereo overflows the stack (libsndfile issue #1095); blocks keep every format safe.
constexpr sf_count_t kWriteBlockFrames = 8192;

// Writes every frame and closes; libsndfile scales floats by 32767 for PCM16 with clipping.
void write_frames(SNDFILE* sf, const std::vector<float>& x, int channels, const std::string& name,
                  const std::string& stage) {
  sf_command(sf, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const sf_count_t frames = static_cast<sf_count_t>(x.size() / static_cast<std::size_t>(channels));
  sf_count_t done = 0;
  while (done < frames) {
    const sf_count_t n = std::min(kWriteBlockFrames, frames - done);
    const sf_count_t wrote =
        sf_writef_float(sf, x.data() + static_cast<std::size_t>(done * channels), n);
    done += wrote;
    if (wrote != n) break;
  }
  const std::string why = sf_strerror(sf);
  if (sf_close(sf) != 0 || done != frames) throw Error(stage, name, "write failed: " + why);
}

void check_shape(const std::vector<float>& x, int sample_rate, int channels,
                 const std::string& name, const std::string& stage) {
  if (channels <= 0 || sample_rate <= 0 || x.size() % static_cast<std::size_t>(channels) != 0)
    throw Error(stage, name, "bad sample rate, channel count or sample count");
}

}  // namespace

std::vector<std::uint8_t> encode_wav(const std::vector<float>& x, int sample_rate, int channels,
                                     WavEncoding encoding) {
  check_shape(x, sample_rate, channels, "memory", "wav");
  SndfileMemory sink;
  sink.writable = true;
  SF_VIRTUAL_IO io = sndfile_memory_io();
  SF_INFO info = wav_info(sample_rate, channels, encoding);
  SNDFILE* sf = sf_open_virtual(&io, SFM_WRITE, &info, &sink);
  if (!sf) throw Error("wav", "memory", sf_strerror(nullptr));
  write_frames(sf, x, channels, "memory", "wav");
  return std::move(sink.bytes);
}

void write_wav(const std::string& path, const std::vector<float>& x, int sample_rate, int channels,
               WavEncoding encoding) {
  check_shape(x, sample_rate, channels, path, "wav");
  SF_INFO info = wav_info(sample_rate, channels, encoding);
  SNDFILE* sf = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!sf)
    throw Error("wav", path, std::string("cannot open for writing: ") + sf_strerror(nullptr));
  write_frames(sf, x, channels, path, "wav");
}

void write_audio(const std::string& path, const std::vector<float>& x, int sample_rate,
                 int channels) {
  check_shape(x, sample_rate, channels, path, "audio");
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  int format = 0;
  if (ext == ".wav")
    format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  else if (ext == ".flac")
    format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  else if (ext == ".ogg")
    format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  else if (ext == ".au")
    format = SF_FORMAT_AU | SF_FORMAT_PCM_16;
  else if (ext == ".aiff" || ext == ".aif")
    format = SF_FORMAT_AIFF | SF_FORMAT_PCM_16;
  else
    throw Error("audio", path, "unknown audio type (use .wav, .flac, .ogg, .au or .aiff)");
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = format;
  if (!sf_format_check(&info)) throw Error("audio", path, "libsndfile cannot write this format");
  SNDFILE* sf = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!sf)
    throw Error("audio", path, std::string("cannot open for writing: ") + sf_strerror(nullptr));
  write_frames(sf, x, channels, path, "audio");
}

}  // namespace genrec
