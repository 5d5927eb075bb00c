// Decoding: real formats from ../shared/data, bytes in memory, and every kind of bad input.
#include <gtest/gtest.h>

#include <fstream>

#include "audio/audio_source.h"
#include "audio/error.h"
#include "audio/wav_writer.h"
#include "test_util.h"

namespace genrec {
namespace {

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// Expects load_audio to throw a genrec::Error naming the file and containing `cause`.
void expect_error(const std::string& path, const std::string& cause) {
  try {
    load_audio(path, 22050);
    FAIL() << "no error for " << path;
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find(cause), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

TEST(Decode, Pcm16WavRoundTripsAtNativeRate) {
  const std::string dir = test::scratch_dir("decode_rt");
  std::vector<float> x = test::tone(440, 1.0);
  write_wav(dir + "/t.wav", x, 22050);
  std::vector<float> y = load_audio(dir + "/t.wav", 22050);
  ASSERT_EQ(y.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(y[i], x[i], 1.0 / 32767);
}

TEST(Decode, StereoIsMeanOfChannels) {
  const std::string dir = test::scratch_dir("decode_stereo");
  std::vector<float> lr;
  for (int i = 0; i < 1000; ++i) {
    lr.push_back(0.5f);
    lr.push_back(-0.25f);
  }
  write_wav(dir + "/s.wav", lr, 22050, 2, WavEncoding::kFloat32);
  std::vector<float> y = load_audio(dir + "/s.wav", 22050);
  ASSERT_EQ(y.size(), 1000u);
  EXPECT_FLOAT_EQ(y[10], 0.125f);
}

TEST(Decode, ResamplesToTargetRateKeepingPitch) {
  const std::string dir = test::scratch_dir("decode_rs");
  write_wav(dir + "/t.wav", test::tone(1000, 2.0, 44100), 44100);
  std::vector<float> y = load_audio(dir + "/t.wav", 22050);
  EXPECT_NEAR(static_cast<double>(y.size()), 44100.0, 2.0);
  // Count zero crossings in the middle second: 2 per period of 1 kHz.
  int crossings = 0;
  for (std::size_t i = 11025 + 1; i < 11025 + 22050; ++i) crossings += (y[i - 1] < 0) != (y[i] < 0);
  EXPECT_NEAR(crossings, 2000, 2);
}

TEST(Decode, FromMemoryMatchesFromFile) {
  const std::string dir = test::scratch_dir("decode_mem");
  std::vector<float> x = test::noise(0.5, 16000);
  write_wav(dir + "/n.wav", x, 16000);
  std::vector<float> a = load_audio(dir + "/n.wav", 22050);
  std::vector<float> b = load_audio_memory(encode_wav(x, 16000), "upload.wav", 22050);
  EXPECT_EQ(a, b);
}

TEST(DecodeErrors, MissingFile) { expect_error("/nonexistent/genrec/x.wav", "no such file"); }

TEST(DecodeErrors, EmptyFile) {
  const std::string p = test::scratch_dir("err_empty") + "/empty.wav";
  write_bytes(p, {});
  expect_error(p, "empty file");
}

TEST(DecodeErrors, NotAudio) {
  const std::string p = test::scratch_dir("err_text") + "/notes.wav";
  std::string text = "This is a text file, not a song.\n";
  write_bytes(p, std::vector<std::uint8_t>(text.begin(), text.end()));
  expect_error(p, "not an audio file");
}

TEST(DecodeErrors, ZeroLengthAudio) {
  const std::string p = test::scratch_dir("err_zero") + "/zero.wav";
  write_wav(p, {}, 22050);
  expect_error(p, "no audio samples");
}

TEST(DecodeErrors, TruncatedWavHeader) {
  const std::string p = test::scratch_dir("err_trunc") + "/trunc.wav";
  std::vector<std::uint8_t> b = encode_wav(test::tone(440, 1.0), 22050);
  b.resize(30);  // cut inside the fmt chunk
  write_bytes(p, b);
  EXPECT_THROW(load_audio(p, 22050), Error);
}

TEST(DecodeErrors, TruncatedWavDataDecodesWhatIsThere) {
  // A WAV cut mid-data (a partial download) decodes the samples it holds, like other tools.
  const std::string p = test::scratch_dir("err_trunc_data") + "/trunc.wav";
  std::vector<std::uint8_t> b = encode_wav(test::tone(440, 1.0), 22050);
  b.resize(44 + 2 * 10000);
  write_bytes(p, b);
  EXPECT_EQ(load_audio(p, 22050).size(), 10000u);
}

TEST(DecodeErrors, NanSamples) {
  const std::string p = test::scratch_dir("err_nan") + "/nan.wav";
  std::vector<float> x(1000, 0.1f);
  x[500] = std::nanf("");
  write_wav(p, x, 22050, 1, WavEncoding::kFloat32);
  expect_error(p, "NaN");
}

TEST(DecodeErrors, ZeroChannels) {
  const std::string p = test::scratch_dir("err_ch") + "/nochan.wav";
  std::vector<std::uint8_t> b = encode_wav(test::tone(440, 0.1), 22050);
  b[22] = 0;  // channel count
  b[23] = 0;
  write_bytes(p, b);
  EXPECT_THROW(load_audio(p, 22050), Error);
}

TEST(DecodeErrors, AbsurdSampleRates) {
  for (std::uint32_t rate : {1u, 50u, 4000000u}) {
    const std::string p = test::scratch_dir("err_rate") + "/rate.wav";
    std::vector<std::uint8_t> b = encode_wav(test::tone(440, 0.1), 22050);
    for (int i = 0; i < 4; ++i) b[24 + i] = static_cast<std::uint8_t>(rate >> (8 * i));
    write_bytes(p, b);
    EXPECT_THROW(load_audio(p, 22050), Error) << rate;
  }
}

TEST(DecodeErrors, Directory) { expect_error(test::scratch_dir("err_dir"), "is a directory"); }

TEST(DecodeErrors, EmptyUpload) { EXPECT_THROW(load_audio_memory({}, "upload", 22050), Error); }

// The GTZAN clip in other containers, rates and channel counts decodes to ~30 s at 22050 Hz.
TEST(DecodeFormats, SharedFormatsDecodeAndResample) {
  GENREC_REQUIRE_SHARED();
  const std::string f = test::shared_data() + "/formats/";
  for (const char* name : {"blues.00000.au", "jazz.00000.44k-stereo.mp3",
                           "rock.00000.48k-stereo.flac", "disco.00000.16k-mono.wav"}) {
    std::vector<float> y = load_audio(f + name, 22050);
    EXPECT_NEAR(y.size() / 22050.0, 30.0, 0.2) << name;
    float peak = 0;
    for (float v : y) peak = std::max(peak, std::abs(v));
    EXPECT_GT(peak, 0.05f) << name;
    EXPECT_LE(peak, 1.5f) << name;
  }
}

// libsndfile writes the audio: lossless containers give back the 16-bit samples,
// the WAV header is the canonical 44 bytes, and Ogg Vorbis keeps a tone's pitch and level.
TEST(WavWriter, ContainersByExtensionRoundTrip) {
  const std::string dir = test::scratch_dir("writer_formats");
  const std::vector<float> x = test::tone(440, 0.5);
  const std::vector<float> ref =
      load_audio((write_wav(dir + "/r.wav", x, 22050), dir + "/r.wav"), 22050);
  for (const char* ext : {".flac", ".au", ".aiff"}) {
    write_audio(dir + "/t" + ext, x, 22050);
    const std::vector<float> y = load_audio(dir + "/t" + ext, 22050);
    ASSERT_EQ(y.size(), ref.size()) << ext;
    // 16-bit containers: within one quantisation step of the WAV (libsndfile's float to
    // integer conversion rounds slightly differently per container).
    for (std::size_t i = 0; i < y.size(); ++i)
      ASSERT_NEAR(y[i], ref[i], 1.01 / 32768) << ext << " sample " << i;
  }
  write_audio(dir + "/t.ogg", x, 22050);
  const std::vector<float> v = load_audio(dir + "/t.ogg", 22050);
  ASSERT_NEAR(static_cast<double>(v.size()), x.size(), 2048.0);
  double energy = 0;
  for (std::size_t i = 2000; i < 9000; ++i) energy += static_cast<double>(v[i]) * v[i];
  EXPECT_NEAR(energy / 7000, 0.125, 0.01);  // a 0.5-amplitude sine has mean square 0.125
  EXPECT_THROW(write_audio(dir + "/t.mp4", x, 22050), Error);
  const std::vector<std::uint8_t> b = encode_wav(std::vector<float>(10, 0.5f), 22050);
  ASSERT_EQ(b.size(), 44u + 20u);
  EXPECT_EQ(std::string(b.begin(), b.begin() + 4), "RIFF");
  EXPECT_EQ(b[44], static_cast<std::uint8_t>(16384 & 0xff));  // lrint(0.5 * 32767) = 16384
}

// Regression: libvorbis's encoder takes stack in proportion to the frames of one write, so 60 s
// of 44.1 kHz stereo handed over in one call crashed the process (SIGSEGV); the writer feeds
// libsndfile in blocks. The copy must decode to the same length and level.
TEST(WavWriter, LongOggVorbisIsWrittenWhole) {
  const std::string dir = test::scratch_dir("writer_long_ogg");
  const std::vector<float> mono = test::tone(440, 60.0, 44100);
  std::vector<float> stereo;
  stereo.reserve(mono.size() * 2);
  for (float v : mono) stereo.insert(stereo.end(), {v, v});
  write_audio(dir + "/long.ogg", stereo, 44100, 2);
  const std::vector<float> v = load_audio(dir + "/long.ogg", 44100);
  ASSERT_NEAR(static_cast<double>(v.size()), mono.size(), 2048.0);
  double energy = 0;
  for (std::size_t i = 44100; i < 44100 * 59; ++i) energy += static_cast<double>(v[i]) * v[i];
  EXPECT_NEAR(energy / (44100.0 * 58), 0.125, 0.01);
}

}  // namespace
}  // namespace genrec
