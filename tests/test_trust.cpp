// What makes results trustworthy: eval leaves out the songs a model has seen, inputs the model
// cannot judge carry a warning, hostile model files and odd inputs get one clean error.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "audio/audio_source.h"
#include "audio/decoder.h"
#include "audio/error.h"
#include "audio/input_list.h"
#include "audio/sample_stats.h"
#include "audio/wav_writer.h"
#include "data/dataset.h"
#include "model/atomic_write.h"
#include "model/evaluate.h"
#include "model/genre_model.h"
#include "model/model_file.h"
#include "model/predictor.h"
#include "model/seen_songs.h"
#include "model_util.h"
#include "report/metrics.h"
#include "report/predict_format.h"
#include "report/text_escape.h"
#include "test_util.h"

namespace genrec {
namespace {

using test::noise;
using test::scratch_dir;
using test::tone;

CnnConfig small_arch() {
  CnnConfig c;
  c.channels = {4, 8};
  return c;
}

std::uint64_t file_fingerprint(const std::string& path) {
  AudioSource src = AudioSource::open_file(path, 22050);
  read_all(src);
  return src.stats().fingerprint();
}

TEST(SampleStats, FingerprintDependsOnlyOnTheSamples) {
  const std::vector<float> x = noise(1.0);
  SampleStats whole, parts;
  whole.add(x.data(), x.size());
  parts.add(x.data(), 1000);
  parts.add(x.data() + 1000, x.size() - 1000);
  EXPECT_EQ(whole.fingerprint(), parts.fingerprint());
  std::vector<float> y = x;
  y[12345] = std::nextafter(y[12345], 1.0f);  // one sample, one ulp
  SampleStats other, shorter;
  other.add(y.data(), y.size());
  shorter.add(x.data(), x.size() - 1);
  EXPECT_NE(whole.fingerprint(), other.fingerprint());
  EXPECT_NE(whole.fingerprint(), shorter.fingerprint());
  EXPECT_EQ(whole.fingerprint_hex().size(), 16u);
}

TEST(SampleStats, RenamedAndReencodedWavCopiesShareTheFingerprint) {
  const std::string dir = scratch_dir("trust_fingerprint");
  write_wav(dir + "/a.wav", noise(2.0), 22050);
  std::filesystem::copy_file(dir + "/a.wav", dir + "/renamed.wav");
  // A float WAV of the same 16-bit samples decodes to identical floats.
  const std::vector<float> pcm16 = load_audio(dir + "/a.wav", 22050);
  write_wav(dir + "/float.wav", pcm16, 22050, 1, WavEncoding::kFloat32);
  write_wav(dir + "/other.wav", noise(2.0, 22050, /*seed=*/2), 22050);
  const std::uint64_t a = file_fingerprint(dir + "/a.wav");
  EXPECT_EQ(a, file_fingerprint(dir + "/renamed.wav"));
  EXPECT_EQ(a, file_fingerprint(dir + "/float.wav"));
  EXPECT_NE(a, file_fingerprint(dir + "/other.wav"));
}

std::string warning_for(const std::vector<float>& x, std::size_t min_samples = 66150) {
  SampleStats s;
  s.add(x.data(), x.size());
  return s.warning(min_samples, 22050);
}

TEST(SampleStats, WarnsAboutInputsTheModelCannotJudge) {
  EXPECT_EQ(warning_for(noise(4.0)), "");
  EXPECT_EQ(warning_for(tone(440, 4.0)), "");
  EXPECT_NE(warning_for(std::vector<float>(88200, 0.0f)).find("silence"), std::string::npos);
  EXPECT_NE(warning_for(noise(4.0, 22050, 1, 5e-4)).find("silence"), std::string::npos);
  EXPECT_NE(warning_for(std::vector<float>(1, 0.0f)).find("silence"), std::string::npos);
  EXPECT_NE(warning_for(std::vector<float>(88200, 0.25f)).find("DC"), std::string::npos);
  EXPECT_NE(warning_for(noise(1.0)).find("shorter than the 3.00 s"), std::string::npos);
  // One sample short of a segment is 2.99 s, not a rounded "3.00 s is shorter than 3.00 s".
  std::vector<float> almost = noise(4.0);
  almost.resize(66149);
  EXPECT_NE(warning_for(almost).find("2.99 s is shorter than the 3.00 s"), std::string::npos)
      << warning_for(almost);
  std::vector<float> clipped = tone(440, 4.0, 22050, 3.0);
  for (float& v : clipped) v = std::clamp(v, -1.0f, 1.0f);
  EXPECT_NE(warning_for(clipped).find("clipped"), std::string::npos);
  // A few full-scale peaks in loud music are not clipping.
  std::vector<float> peaks = noise(4.0);
  for (std::size_t i = 0; i < peaks.size(); i += 1000) peaks[i] = 1.0f;
  EXPECT_EQ(warning_for(peaks), "");
}

TEST(PredictWarning, SilenceAndShortClipsAreFlaggedInEveryFormat) {
  const GenreModel model = test::random_genre_model(small_arch(), {"a", "b", "c"});
  const Prediction silent =
      predict_bytes(model, encode_wav(std::vector<float>(88200), 22050), "silence.wav");
  ASSERT_TRUE(silent.ok()) << silent.error;
  EXPECT_NE(silent.warning.find("silence"), std::string::npos);
  const auto j = prediction_json(silent, model.info().labels, {});
  ASSERT_TRUE(j.contains("warning"));
  EXPECT_EQ(j["warning"], silent.warning);
  std::ostringstream text;
  PredictionWriter(text, PredictFormat::kText, model.info().labels, {}).write(silent);
  EXPECT_NE(text.str().find("\n  warning: silence"), std::string::npos) << text.str();

  const Prediction one = predict_bytes(model, encode_wav({0.5f}, 22050), "one.wav");
  ASSERT_TRUE(one.ok()) << one.error;
  EXPECT_FALSE(one.warning.empty());
  const Prediction music = predict_bytes(model, encode_wav(noise(4.0), 22050), "noise.wav");
  EXPECT_EQ(music.warning, "");
  EXPECT_FALSE(prediction_json(music, model.info().labels, {}).contains("warning"));
}

// A dataset of two genres, three songs each, as WAV files.
std::string make_dataset(const std::string& name) {
  const std::string dir = scratch_dir(name);
  for (const std::string g : {"a", "b"}) {
    std::filesystem::create_directories(dir + "/" + g);
    for (int i = 0; i < 3; ++i)
      write_wav(dir + "/" + g + "/" + g + std::to_string(i) + ".wav",
                g == "a" ? tone(200.0 * (i + 1), 3.5) : noise(3.5, 22050, 10 + i), 22050);
  }
  return dir;
}

TEST(EvalSeenSongs, TrainedSongsAreLeftOutByDefaultAndLabelledWhenIncluded) {
  const std::string dir = make_dataset("trust_eval_seen");
  GenreModel model = test::random_genre_model(small_arch(), {"a", "b"});
  // The model "was trained" on a0 and b1 and "validated" on b2; a0 is found again under
  // another name in another genre folder's file (renamed copy).
  nlohmann::json training = model.info().training;
  record_seen_songs(training,
                    {{"a/a0.wav", file_fingerprint(dir + "/a/a0.wav")},
                     {"b/b1.wav", file_fingerprint(dir + "/b/b1.wav")}},
                    {{"b/b2.wav", file_fingerprint(dir + "/b/b2.wav")}});
  model.set_training(training);
  std::filesystem::copy_file(dir + "/a/a0.wav", dir + "/a/zz-copy-of-a0.wav");
  const Dataset data = scan_dataset(dir);
  ASSERT_EQ(data.songs.size(), 7u);
  std::vector<int> all(data.songs.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);

  const EvalResult unseen = evaluate(model, data, all, EvalOptions{}, 2);
  EXPECT_EQ(unseen.songs.total(), 3);  // a1, a2, b0
  EXPECT_EQ(unseen.seen_left_out.size(), 4u);
  EXPECT_EQ(unseen.n_seen_scored, 0u);
  EXPECT_NE(seen_songs_line(unseen).find("left out 4 songs"), std::string::npos);
  const nlohmann::json j = eval_json(unseen);
  EXPECT_EQ(j["n_left_out_seen"], 4);
  EXPECT_EQ(j["includes_trained"], false);

  EvalOptions include;
  include.include_seen = true;
  const EvalResult all_songs = evaluate(model, data, all, include, 2);
  EXPECT_EQ(all_songs.songs.total(), 7);
  EXPECT_EQ(all_songs.n_seen_scored, 4u);
  EXPECT_NE(seen_songs_line(all_songs).find("TRAINED SONGS INCLUDED"), std::string::npos);
  EXPECT_EQ(eval_json(all_songs)["n_trained_scored"], 4);
}

TEST(EvalSeenSongs, OlderModelsSaySoAndUnknownGenresAreNamed) {
  const std::string dir = make_dataset("trust_eval_old");
  const GenreModel model = test::random_genre_model(small_arch(), {"a", "c"});
  const Dataset data = scan_dataset(dir);
  std::vector<int> all(data.songs.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  const EvalResult r = evaluate(model, data, all, EvalOptions{}, 1);
  EXPECT_FALSE(r.seen_recorded);
  EXPECT_NE(seen_songs_line(r).find("does not record its training songs"), std::string::npos);
  ASSERT_EQ(r.unknown_genre.size(), 3u);  // genre b
  EXPECT_NE(r.unknown_genre[0].find("/b/b0.wav"), std::string::npos);
  const Metrics m = compute_metrics(r.songs);
  ASSERT_EQ(m.no_support, std::vector<std::string>{"c"});
  EXPECT_EQ(eval_json(r)["songs"]["metrics"]["no_support"], nlohmann::json::array({"c"}));
  std::ostringstream text;
  write_metrics_text(text, m);
  EXPECT_NE(text.str().find("no support (no true songs; left out of macro F1): c"),
            std::string::npos);
}

TEST(TextEscape, NamesAreBytesButOutputIsValid) {
  EXPECT_EQ(utf8_or_escaped("caf\xc3\xa9.wav"), "caf\xc3\xa9.wav");
  EXPECT_EQ(utf8_or_escaped("bad\xff\xfe.wav"), "bad\\xff\\xfe.wav");
  EXPECT_EQ(utf8_or_escaped("\xc3"), "\\xc3");                    // cut sequence
  EXPECT_EQ(utf8_or_escaped("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(utf8_or_escaped("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(printable("a\nb\x1b[31m\a"), "a\\nb\\x1b[31m\\x07");
  Prediction p;
  p.file = "x\xff.wav";
  p.error = "decode: 'x\xff.wav': no such file";
  const std::string dumped = prediction_json(p, {"a"}, {}).dump();  // throws on invalid UTF-8
  EXPECT_NE(dumped.find("x\\\\xff.wav"), std::string::npos) << dumped;
}

TEST(HostileInput, FifoAndNulPathsAreRefusedNotWaitedOn) {
  const std::string dir = scratch_dir("trust_fifo");
  const std::string fifo = dir + "/pipe.wav";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  try {
    Decoder::open_file(fifo);
    FAIL() << "a FIFO was opened";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(GenreModel::load(fifo), Error);
  write_wav(dir + "/a.wav", noise(1.0), 22050);
  try {
    Decoder::open_file(dir + "/a.wav" + std::string(1, '\0') + "trailing");
    FAIL() << "a path with a NUL byte was opened (as its prefix)";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("NUL byte"), std::string::npos) << e.what();
  }
}

// "-" on stdin: audio in every container is told from a list of paths, even a list whose names
// hold a NUL byte or an escape sequence (those are refused by name, not decoded as audio).
TEST(HostileInput, StdinAudioIsToldFromAPathListWithOddBytes) {
  GENREC_REQUIRE_SHARED();
  const std::string formats = test::shared_data() + "/formats/";
  for (const char* f : {"blues.00000.au", "disco.00000.16k-mono.wav", "jazz.00000.44k-stereo.mp3",
                        "rock.00000.48k-stereo.flac", "Kevin_MacLeod_-_Vibe_Ace.hq.ogg"}) {
    std::ifstream in(formats + f, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    EXPECT_TRUE(looks_like_audio(head)) << f;
  }
  const std::string wav = scratch_dir("trust_stdin") + "/short.wav";
  write_wav(wav, noise(0.01), 22050);
  std::ifstream in(wav, std::ios::binary);
  EXPECT_TRUE(looks_like_audio(std::string(std::istreambuf_iterator<char>(in), {})));
  EXPECT_FALSE(looks_like_audio("/music/a.wav\n/music/b.mp3\n"));
  EXPECT_FALSE(looks_like_audio(std::string("/music/a.wav") + '\0' + "x\n/music/b.mp3\n"));
  EXPECT_FALSE(looks_like_audio(std::string("/m/c\x1b[2J.wav\n/m/a.wav") + '\0' + "\n"));
}

// The bytes of a model file built from a random model, with its header edited by `edit` and
// sealed with a valid checksum, as a hostile file would be.
std::string crafted_model(const std::function<void(nlohmann::json&)>& edit,
                          const std::function<void(TensorList&)>& edit_tensors = {}) {
  const GenreModel model = test::random_genre_model(small_arch(), {"a", "b"});
  const std::string path = scratch_dir("trust_crafted") + "/m.genrec";
  model.save(path);
  ModelFileContents c = read_model_file(path);
  edit(c.header);
  if (edit_tensors) edit_tensors(c.tensors);
  write_model_file(path, c.header, c.tensors);
  return read_model_bytes(path);
}

std::string load_error(const std::string& bytes) {
  try {
    GenreModel::from_bytes(bytes, "crafted.genrec");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(HostileModel, ArchitectureAndFeatureFieldsAreValidatedBeforeUse) {
  // kernel_size 101 read past a buffer in the AVX2 convolution; now refused by name.
  EXPECT_NE(load_error(crafted_model([](nlohmann::json& h) {
              h["arch"]["kernel_size"] = 101;
            })).find("kernel_size must be an odd integer in [1, 31]"),
            std::string::npos);
  // 384 kHz, 60 s segments, hop 1: billions of cells per segment.
  const std::string huge = load_error(crafted_model([](nlohmann::json& h) {
    h["features"]["sample_rate"] = 384000;
    h["features"]["segment_seconds"] = 60;
    h["features"]["hop_length"] = 1;
    h["features"]["fmax"] = 0;
  }));
  EXPECT_NE(huge.find("exceeds"), std::string::npos) << huge;
  EXPECT_NE(load_error(crafted_model([](nlohmann::json& h) {
              h["features"]["n_fft"] = 1 << 20;
            })).find("n_fft must be even and in [16, 65536]"),
            std::string::npos);
  // NaN weights answered "confidence": null with exit 0.
  const std::string nan = load_error(
      crafted_model([](nlohmann::json&) {}, [](TensorList& t) { t[3].values[0] = std::nanf(""); }));
  EXPECT_NE(nan.find("non-finite weight"), std::string::npos) << nan;
  EXPECT_EQ(load_error(crafted_model([](nlohmann::json&) {})), "");
}

TEST(HostileModel, LargeKernelsWithinTheLimitRunInBounds) {
  // The read slack follows the kernel's reach (ASan builds check the bound).
  CnnConfig arch = small_arch();
  arch.kernel_size = 31;
  const GenreModel model = test::random_genre_model(arch, {"a", "b"});
  const Prediction p = predict_bytes(model, encode_wav(noise(3.0), 22050), "n.wav");
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_NEAR(p.probs[0] + p.probs[1], 1.0f, 1e-5f);
}

// Little-endian integers as the model file writes them.
void put_le(std::string& out, std::uint64_t v, int n_bytes) {
  for (int i = 0; i < n_bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A model file (header "{}") whose weights section is `weights`, sealed with a valid checksum
// as a hostile file would be.
std::string sealed_with_weights(const std::string& weights) {
  std::string body = "GENRECMD";
  const std::string header = "{}";
  put_le(body, kModelFormatVersion, 4);
  put_le(body, header.size(), 8);
  body += header;
  put_le(body, weights.size(), 8);
  body += weights;
  seal_model_file(body);
  return body;
}

// One tensor named "w" of shape `shape` followed by `n_values` floats (1.0f each).
std::string one_tensor(const std::vector<std::uint64_t>& shape, std::size_t n_values) {
  std::string w;
  put_le(w, 1, 4);  // tensor count
  put_le(w, 1, 4);
  w += "w";
  put_le(w, shape.size(), 4);
  for (std::uint64_t d : shape) put_le(w, d, 8);
  for (std::size_t i = 0; i < n_values; ++i) put_le(w, 0x3f800000u, 4);
  return w;
}

std::string parse_error(const std::string& bytes) {
  try {
    parse_model_file(bytes, "crafted.genrec");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(HostileModel, ShapesBeyondTheBytesPresentAreRefusedBeforeAllocating) {
  // A valid checksum over a tensor that claims 2^40 values in a few bytes.
  const std::string body = sealed_with_weights(one_tensor({1 << 20, 1 << 20}, 0));
  EXPECT_NE(load_error(body).find("too large"), std::string::npos) << load_error(body);
}

// Each dimension fits in the bytes left but their product does not: the loader must compare
// the element count with the bytes present, not read the missing values from the checksum,
// the end marker and past the buffer.
TEST(HostileModel, TensorsClaimingMoreValuesThanBytesAreRefused) {
  // The well-formed file the crafted ones are cut from parses.
  EXPECT_EQ(parse_error(sealed_with_weights(one_tensor({2, 3}, 6))), "");
  // 6 values claimed, 3 present: the missing 12 bytes would come from the checksum and marker.
  std::string e = parse_error(sealed_with_weights(one_tensor({2, 3}, 3)));
  EXPECT_NE(e.find("model: 'crafted.genrec': corrupt weights: weights section ends inside a "
                   "tensor"),
            std::string::npos)
      << e;
  // 10^6 values claimed, 1000 present: 4 MB would be read past a 4 kB buffer.
  e = parse_error(sealed_with_weights(one_tensor({1000, 1000}, 1000)));
  EXPECT_NE(e.find("weights section ends inside a tensor"), std::string::npos) << e;
  // One value short in a rank-3 tensor.
  e = parse_error(sealed_with_weights(one_tensor({2, 2, 2}, 7)));
  EXPECT_NE(e.find("weights section ends inside a tensor"), std::string::npos) << e;
  // The same through GenreModel (what predict, eval and serve call).
  e = load_error(sealed_with_weights(one_tensor({2, 3}, 3)));
  EXPECT_NE(e.find("weights section ends inside a tensor"), std::string::npos) << e;
}

TEST(AtomicWrite, TemporariesOfKilledWritersAreRemoved) {
  const std::string dir = scratch_dir("trust_stale_tmp");
  const std::string ckpt = dir + "/m.genrec.ckpt";
  const std::string dead = ckpt + ".tmp-4194303";  // above any pid_max: no such process
  const std::string live = ckpt + ".tmp-" + std::to_string(::getpid());
  const std::string other = dir + "/other.ckpt.tmp-4194303";
  for (const std::string& f : {dead, live, other, ckpt}) std::ofstream(f) << "x";
  const std::vector<std::string> removed = remove_stale_temporaries(ckpt);
  EXPECT_EQ(removed, std::vector<std::string>{dead});
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_TRUE(std::filesystem::exists(other));
  EXPECT_TRUE(std::filesystem::exists(ckpt));
}

}  // namespace
}  // namespace genrec
