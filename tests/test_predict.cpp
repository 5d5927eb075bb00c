// Inference through the library with the shipped model: re-encoded copies agree with their
// originals, memory-bounded streaming equals whole-clip segmentation, bytes equal files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "audio/audio_source.h"
#include "audio/mel.h"
#include "audio/resampler.h"
#include "audio/segmenter.h"
#include "audio/wav_writer.h"
#include "model/genre_model.h"
#include "model/install_paths.h"
#include "model/predictor.h"
#include "report/calibration.h"
#include "test_util.h"

namespace genrec {
namespace {

const GenreModel& shipped() {
  static const GenreModel model = GenreModel::load(default_model_path());
  return model;
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

// SPEC: after decode, downmix and resampling to 22050 Hz, predictions agree with the originals.
// Every copy keeps the original's top genre and its song probabilities within 0.05: the lossy
// MP3, the 48 kHz stereo FLAC, the 16 kHz mono copy (nothing above 8 kHz: the shipped model is
// trained with band limiting for it) and the original .au.
TEST(Predict, ReencodedCopiesAgreeWithOriginals) {
  GENREC_REQUIRE_SHARED();
  const std::string d = test::shared_data();
  struct Pair {
    const char* copy;
    const char* original;
  };
  const Pair pairs[] = {
      {"formats/jazz.00000.44k-stereo.mp3", "gtzan-mini/genres_original/jazz/jazz.00000.wav"},
      {"formats/rock.00000.48k-stereo.flac", "gtzan-mini/genres_original/rock/rock.00000.wav"},
      {"formats/disco.00000.16k-mono.wav", "gtzan-mini/genres_original/disco/disco.00000.wav"},
      {"formats/blues.00000.au", "gtzan-mini/genres_original/blues/blues.00000.wav"}};
  for (const Pair& pair : pairs) {
    const Prediction a = predict_file(shipped(), d + "/" + pair.copy);
    const Prediction b = predict_file(shipped(), d + "/" + pair.original);
    ASSERT_TRUE(a.ok()) << a.error;
    ASSERT_TRUE(b.ok()) << b.error;
    EXPECT_EQ(argmax(a.probs), argmax(b.probs)) << pair.copy;
    const float diff = max_abs_diff(a.probs, b.probs);
    std::printf("%-40s top %-10s p=%.3f  max |dp| vs original %.4f\n", pair.copy,
                shipped().info().labels[argmax(a.probs)].c_str(), a.probs[argmax(a.probs)], diff);
    EXPECT_LE(diff, 0.05f) << pair.copy;
  }
}

// Re-encoding on music the recipe was never tuned or trained on (gtzan-mini's clips are both):
// one snippet song of each genre (2-3 s, a single window) and the non-GTZAN recordings in
// formats/ (their first 30 s), each re-encoded here from what genrec hears (22050 Hz mono).
// Limits on the largest change of a song probability, by what the copy keeps:
// - 48 kHz stereo FLAC, the same band at another rate and layout: 0.05, as for the copies above;
// - 44.1 kHz stereo Ogg Vorbis (lossy): 0.05 for the recordings; 0.10 for a one-window snippet,
//   where no averaging over windows damps the coder's noise (measured up to 0.068);
// - 16 kHz mono WAV (nothing above 8 kHz): 0.05 for a snippet, 0.20 for a recording. Models
//   that read GTZAN's top bands, whose bandwidth tells the genres' sources apart
//   (models/README.md, eleventh round), moved the recordings' 16 kHz copies by up to 0.25
//   (Karissa Hobbs; the model shipped until 2026-12-07) and snippets' by up to 0.087 (an
//   earlier one); the shipped model reads only the bands below 9.2 kHz and moves them by at
//   most 0.13 (the same recording, keeping its top genre) and 0.002.
// The top genre must survive every copy where the original's answer is decided: the model does
// not mark it uncertain (issue 12: its calibrated confidence is not below the threshold stored
// in the model) and it leads the runner-up by at least 0.10. An answer the user is told is
// uncertain may trade places with its runner-up, and only with it: every copy's top genre is
// one of the original's first two.
TEST(Predict, OwnReencodingsOfUnseenMusicAgree) {
  GENREC_REQUIRE_SHARED();
  const std::string d = test::shared_data();
  std::vector<std::string> clips;
  for (const char* g : {"blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop",
                        "reggae", "rock"})
    clips.push_back(d + "/gtzan-snippets/" + g + "/" + g + ".00007.wav");
  const std::size_t n_snippets = clips.size();
  for (const auto& e : std::filesystem::directory_iterator(d + "/formats"))
    if (e.path().filename().string().find(".hq.ogg") != std::string::npos)
      clips.push_back(e.path().string());
  ASSERT_GE(clips.size(), n_snippets + 5);
  const std::string dir = test::scratch_dir("predict_reencode");
  struct Copy {
    const char* ext;
    int rate;
    int channels;
    float limit_long;
    float limit_snippet;
  };
  const Copy copies[] = {{"flac", 48000, 2, 0.05f, 0.05f},
                         {"ogg", 44100, 2, 0.05f, 0.10f},
                         {"wav", 16000, 1, 0.20f, 0.05f}};
  for (std::size_t k = 0; k < clips.size(); ++k) {
    const std::string& clip = clips[k];
    // The first 30 s (a GTZAN clip's length), as genrec hears it, is the original.
    std::vector<float> x = load_audio(clip, 22050);
    x.resize(std::min<std::size_t>(x.size(), 30 * 22050));
    write_wav(dir + "/original.wav", x, 22050, 1, WavEncoding::kFloat32);
    const Prediction original = predict_file(shipped(), dir + "/original.wav");
    ASSERT_TRUE(original.ok()) << original.error;
    std::vector<float> sorted = original.probs;
    std::sort(sorted.rbegin(), sorted.rend());
    const bool decided = !original.uncertain && sorted[0] - sorted[1] >= 0.10f;
    std::vector<float> without_top = original.probs;
    without_top[static_cast<std::size_t>(argmax(original.probs))] = -1.0f;
    const auto runner_up = argmax(without_top);  // a tie with the top still names another genre
    for (const Copy& c : copies) {
      const std::vector<float> y = Resampler::convert(x.data(), x.size(), 22050, c.rate);
      std::vector<float> interleaved;
      for (float v : y)
        interleaved.insert(interleaved.end(), static_cast<std::size_t>(c.channels), v);
      const std::string path = dir + "/copy." + c.ext;
      write_audio(path, interleaved, c.rate, c.channels);
      const Prediction p = predict_file(shipped(), path);
      ASSERT_TRUE(p.ok()) << p.error;
      const float diff = max_abs_diff(p.probs, original.probs);
      std::printf("%-28.28s %-4s %6d Hz  top %-9s p=%.3f  max |dp| %.4f\n",
                  std::filesystem::path(clip).filename().c_str(), c.ext, c.rate,
                  shipped().info().labels[argmax(p.probs)].c_str(), p.probs[argmax(p.probs)], diff);
      if (decided) {
        EXPECT_EQ(argmax(p.probs), argmax(original.probs)) << clip << " as ." << c.ext;
      } else {
        EXPECT_TRUE(argmax(p.probs) == argmax(original.probs) || argmax(p.probs) == runner_up)
            << clip << " as ." << c.ext << ": neither of the original's first two genres";
      }
      EXPECT_LE(diff, k < n_snippets ? c.limit_snippet : c.limit_long) << clip << " as ." << c.ext;
    }
  }
}

// The streaming path (SegmentReader + batches) gives what whole-clip segmentation gives.
TEST(Predict, StreamingEqualsWholeClipSegments) {
  const std::string dir = test::scratch_dir("predict_stream");
  std::vector<float> x = test::noise(20.0, 22050, 3, 0.2);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] += 0.4f * static_cast<float>(std::sin(2 * M_PI * 330.0 * i / 22050));
  write_wav(dir + "/x.wav", x, 22050, 1, WavEncoding::kFloat32);
  PredictOptions small_batches;
  small_batches.batch_size = 3;
  const Prediction p = predict_file(shipped(), dir + "/x.wav", small_batches);
  ASSERT_TRUE(p.ok()) << p.error;
  const FeatureConfig& fc = shipped().info().features;
  const auto starts = segment_starts(x.size(), fc.segment_samples(), fc.segment_samples());
  ASSERT_EQ(p.segments.size(), starts.size());
  LogMelExtractor ex(fc);
  std::vector<float> seg(fc.segment_samples()), mel;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    copy_segment(x.data(), x.size(), starts[i], seg.size(), seg.data());
    ex.log_mel(seg.data(), seg.size(), mel);
    const std::vector<float> probs = shipped().probabilities(mel.data(), 1);
    EXPECT_LE(max_abs_diff(probs, p.segments[i].probs), 1e-5f) << i;
    EXPECT_DOUBLE_EQ(p.segments[i].start_s, static_cast<double>(starts[i]) / fc.sample_rate);
  }
  // Song level = mean of segment probabilities (for a calibrated model, tempered once more by
  // its song temperature: report/calibration.h).
  std::vector<float> mean(p.probs.size(), 0.0f);
  for (const auto& s : p.segments)
    for (std::size_t k = 0; k < mean.size(); ++k) mean[k] += s.probs[k] / p.segments.size();
  temper_song(mean, p.segments.size(), shipped().song_temperature());
  EXPECT_LE(max_abs_diff(mean, p.probs), 1e-6f);
  EXPECT_NEAR(p.duration_s, 20.0, 1e-6);
}

TEST(Predict, BytesEqualFileAndErrorsAreReturnedNotThrown) {
  const std::string dir = test::scratch_dir("predict_bytes");
  std::vector<float> x = test::tone(440, 4.0, 44100);
  write_wav(dir + "/t.wav", x, 44100);
  const Prediction f = predict_file(shipped(), dir + "/t.wav");
  const Prediction b = predict_bytes(shipped(), encode_wav(x, 44100), "upload.wav");
  ASSERT_TRUE(f.ok() && b.ok());
  EXPECT_EQ(f.probs, b.probs);
  EXPECT_EQ(b.segments.size(), 1u);  // 4 s: one full segment, the partial tail dropped
  const Prediction bad = predict_bytes(shipped(), {'n', 'o', 'p', 'e'}, "note.txt");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error.find("note.txt"), std::string::npos);
  const Prediction missing = predict_file(shipped(), dir + "/missing.wav");
  EXPECT_NE(missing.error.find("no such file"), std::string::npos);
}

TEST(Predict, ShortSongIsPaddedToOneSegment) {
  const std::string dir = test::scratch_dir("predict_short");
  write_wav(dir + "/s.wav", test::tone(500, 1.0), 22050);
  const Prediction p = predict_file(shipped(), dir + "/s.wav");
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_EQ(p.segments.size(), 1u);
  EXPECT_NEAR(p.duration_s, 1.0, 1e-3);
}

}  // namespace
}  // namespace genrec
