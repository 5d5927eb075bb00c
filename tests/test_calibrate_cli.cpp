// `genrec calibrate` end to end: two "fold" models (random weights) that record complementary
// halves of a small dataset as their training songs. Each must score exactly the other half;
// the temperature must be the one fitted here, through the library, on those held-out songs;
// the calibrated model must carry it into `info` and `predict`.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "audio/wav_writer.h"
#include "model/genre_model.h"
#include "model/predictor.h"
#include "model/seen_songs.h"
#include "model_util.h"
#include "process_util.h"
#include "report/calibration.h"
#include "test_util.h"

namespace genrec {
namespace {

using test::run_genrec;

TEST(Calibrate, FoldModelsScoreTheirHeldOutSongsAndTheFitReachesTheModel) {
  const std::string dir = test::scratch_dir("calibrate_cli");
  const std::vector<std::string> genres = {"bass", "mid", "treble"};
  // Per genre: two 7 s songs (two segments) and two 2 s songs (one padded segment).
  std::vector<std::string> paths;
  std::vector<int> truth;
  for (int g = 0; g < 3; ++g) {
    std::filesystem::create_directories(dir + "/data/" + genres[g]);
    for (int i = 0; i < 4; ++i) {
      const std::string p =
          dir + "/data/" + genres[g] + "/" + genres[g] + "." + std::to_string(i) + ".wav";
      write_wav(p, test::tone(110.0 * (1 << (2 * g)) * (1.0 + 0.1 * i), i < 2 ? 7.0 : 2.0, 22050),
                22050);
      paths.push_back(p);
      truth.push_back(g);
    }
  }
  const GenreModel a = test::random_genre_model(CnnConfig{}, genres, 3);
  const GenreModel b = test::random_genre_model(CnnConfig{}, genres, 4);
  // Fold a trained on songs 0 and 2 of each genre, fold b on 1 and 3.
  std::vector<SongFingerprint> half[2];
  for (std::size_t i = 0; i < paths.size(); ++i)
    half[i % 2].push_back({paths[i], predict_file(a, paths[i]).fingerprint});
  const GenreModel* models[2] = {&a, &b};
  std::vector<ScoredSong> held_out, held_out_long;
  for (int f = 0; f < 2; ++f) {
    ModelInfo info = models[f]->info();
    record_seen_songs(info.training, half[f], {});
    GenreModel(info, models[f]->tensors()).save(dir + "/fold" + std::to_string(f) + ".genrec");
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (static_cast<int>(i % 2) == f) continue;
      const Prediction p = predict_file(*models[f], paths[i]);
      // The default fit: every window of a held-out song, with the song's label.
      ScoredSong song{truth[i], {}};
      for (const SegmentPrediction& seg : p.segments) {
        held_out.push_back(ScoredSong{truth[i], {seg.probs}});
        song.segments.push_back(seg.probs);
      }
      if (song.segments.size() > 1) held_out_long.push_back(song);
    }
  }
  const double expected_t = fit_temperature(held_out);
  // The song temperature: fitted on the long songs' means at the segment temperature.
  std::vector<ScoredSong> long_means;
  for (const ScoredSong& s : held_out_long)
    long_means.push_back(ScoredSong{s.truth, {song_probabilities(s, expected_t)}});
  const double expected_song_t = fit_temperature(long_means);

  test::RunResult r =
      run_genrec({"--threads", "1", "calibrate", dir + "/fold0.genrec", dir + "/fold1.genrec",
                  "--data", dir + "/data", "--model", dir + "/fold0.genrec", "--out",
                  dir + "/cal.genrec", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const nlohmann::json& folds = j.at("cross_validation").at("folds");
  ASSERT_EQ(folds.size(), 2u);
  for (const nlohmann::json& f : folds) {
    EXPECT_EQ(f.at("long_songs"), 3) << f;   // the held-out 7 s songs: one per genre
    EXPECT_EQ(f.at("short_songs"), 3) << f;  // and the 2 s ones
  }
  EXPECT_EQ(j.at("held_out_scorings"), 12);
  EXPECT_EQ(held_out.size(), 18u);  // 6 songs of two windows, 6 of one
  EXPECT_NEAR(j.at("temperature").get<double>(), expected_t, 1e-9);
  EXPECT_NEAR(j.at("song_temperature").get<double>(), expected_song_t, 1e-9);
  EXPECT_GT(std::abs(expected_song_t - 1.0), 0.05);  // else the checks below could not fail

  const GenreModel cal = GenreModel::load(dir + "/cal.genrec");
  EXPECT_NEAR(cal.temperature(), expected_t, 1e-9);
  EXPECT_NEAR(cal.song_temperature(), expected_song_t, 1e-9);
  // predict tempers a long song's mean of (tempered) segments with the song temperature.
  const Prediction long_song = predict_file(cal, paths[0]);
  ASSERT_EQ(long_song.segments.size(), 2u);
  std::vector<float> mean(genres.size(), 0.0f);
  for (const SegmentPrediction& seg : long_song.segments)
    for (std::size_t k = 0; k < mean.size(); ++k) mean[k] += seg.probs[k] / 2;
  apply_temperature(mean, expected_song_t);
  for (std::size_t k = 0; k < mean.size(); ++k) EXPECT_NEAR(long_song.probs[k], mean[k], 1e-5) << k;
  EXPECT_EQ(cal.uncertain_below(), j.at("uncertain_below").get<double>());
  test::RunResult info = run_genrec({"info", "--model", dir + "/cal.genrec"});
  EXPECT_NE(info.out.find("cross-valid.  2 folds"), std::string::npos) << info.out;
  // predict applies both: the answer is the tempered one, flagged against the threshold.
  test::RunResult p =
      run_genrec({"predict", "--model", dir + "/cal.genrec", "--format", "json", paths[0]});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const nlohmann::json pj = nlohmann::json::parse(p.out);
  std::vector<float> tempered = predict_file(cal, paths[0]).probs;
  EXPECT_NEAR(pj.at("confidence").get<double>(),
              *std::max_element(tempered.begin(), tempered.end()), 1e-4);
  EXPECT_EQ(pj.at("uncertain").get<bool>(),
            pj.at("confidence").get<double>() < cal.uncertain_below());

  // The threshold decides the flag: below 100% everything is uncertain, below 0% nothing.
  for (const double below : {1.0, 0.0}) {
    GenreModel m = GenreModel::load(dir + "/cal.genrec");
    m.set_calibration({{"temperature", 1.0}, {"uncertain_below", below}});
    m.save(dir + "/flag.genrec");
    test::RunResult f = run_genrec(
        {"predict", "--model", dir + "/flag.genrec", "--format", "jsonl", paths[0], paths[11]});
    ASSERT_EQ(f.exit_code, 0) << f.err;
    for (const std::string& line : test::lines(f.out))
      EXPECT_EQ(nlohmann::json::parse(line).at("uncertain").get<bool>(), below > 0.5) << line;
  }

  // --ensemble: a second model holding out fold 0's songs joins it as one ensemble. A copy of
  // fold 0 averages to fold 0's own probabilities, so its figures must not move.
  std::filesystem::copy_file(dir + "/fold0.genrec", dir + "/fold0b.genrec",
                             std::filesystem::copy_options::overwrite_existing);
  test::RunResult e = run_genrec({"--threads", "1", "calibrate", dir + "/fold0.genrec",
                                  dir + "/fold1.genrec", dir + "/fold0b.genrec", "--data",
                                  dir + "/data", "--ensemble", "--format", "json"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const nlohmann::json ej = nlohmann::json::parse(e.out);
  const nlohmann::json& ef = ej.at("cross_validation").at("folds");
  ASSERT_EQ(ef.size(), 2u);
  EXPECT_EQ(ef[0].at("model"), dir + "/fold0.genrec + " + dir + "/fold0b.genrec");
  for (const char* key :
       {"long_song_accuracy", "short_window_accuracy", "macro_f1", "ece_short_before"})
    EXPECT_NEAR(ef[0].at(key).get<double>(), folds[0].at(key).get<double>(), 1e-6) << key;
  EXPECT_NEAR(ej.at("temperature").get<double>(), expected_t, 1e-3);

  // A calibrated model is not a fold model: one line, exit 1.
  test::RunResult again = run_genrec({"calibrate", dir + "/cal.genrec", "--data", dir + "/data"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already calibrated"), std::string::npos) << again.err;
  EXPECT_EQ(test::lines(again.err).size(), 1u) << again.err;
}

}  // namespace
}  // namespace genrec
