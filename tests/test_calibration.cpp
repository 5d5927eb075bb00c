// Calibration arithmetic (report/calibration.h) against hand-computed values, and a
// temperature fit that must recover the temperature the data was drawn with.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "report/calibration.h"

namespace genrec {
namespace {

TEST(Calibration, TemperatureOfProbabilitiesIsSoftmaxOfScaledLogits) {
  // logits (1, 2, 4) at T = 2 -> softmax(0.5, 1, 2).
  std::vector<float> p = {std::exp(1.0f), std::exp(2.0f), std::exp(4.0f)};
  const float sum = p[0] + p[1] + p[2];
  for (float& v : p) v /= sum;
  apply_temperature(p, 2.0);
  const double e0 = std::exp(0.5), e1 = std::exp(1.0), e2 = std::exp(2.0), z = e0 + e1 + e2;
  EXPECT_NEAR(p[0], e0 / z, 1e-6);
  EXPECT_NEAR(p[1], e1 / z, 1e-6);
  EXPECT_NEAR(p[2], e2 / z, 1e-6);
  // A tiny temperature sharpens to one-hot without overflow.
  std::vector<float> q = {0.3f, 0.7f};
  apply_temperature(q, 0.01);
  EXPECT_NEAR(q[1], 1.0, 1e-6);
  EXPECT_TRUE(std::isfinite(q[0]));
}

TEST(Calibration, SongProbabilitiesAverageTemperedSegments) {
  ScoredSong s{1, {{0.5f, 0.5f}, {0.2f, 0.8f}}};
  // T = 1: the plain mean.
  EXPECT_NEAR(song_probabilities(s, 1.0)[1], 0.65, 1e-6);
  // T = 0.5: segment 2 becomes 0.64/(0.04+0.64) = 0.941176..., segment 1 stays 0.5.
  EXPECT_NEAR(song_probabilities(s, 0.5)[1], (0.5 + 0.64 / 0.68) / 2, 1e-6);
  // The song temperature tempers the mean of a song of several segments: (0.35, 0.65) at 0.5
  // -> 0.65^2 / (0.35^2 + 0.65^2).
  EXPECT_NEAR(song_probabilities(s, 1.0, 0.5)[1], 0.4225 / (0.1225 + 0.4225), 1e-6);
  // ... and leaves a one-segment song as it is.
  const ScoredSong one{0, {{0.2f, 0.8f}}};
  EXPECT_NEAR(song_probabilities(one, 1.0, 0.5)[1], 0.8, 1e-6);
}

TEST(Calibration, ExpectedCalibrationErrorHandComputed) {
  // Bin [0.9, 1]: 0.95, 0.95 (one right) -> |0.5 - 0.95| weight 2/5.
  // Bin [0.6, 0.7): 0.65 x 3 (two right) -> |0.6667 - 0.65| weight 3/5.
  const std::vector<double> c = {0.95, 0.95, 0.65, 0.65, 0.65};
  const std::vector<bool> right = {true, false, true, true, false};
  const double expected = 0.4 * 0.45 + 0.6 * (2.0 / 3.0 - 0.65);
  EXPECT_NEAR(expected_calibration_error(c, right), expected, 1e-12);
  const std::vector<CalibrationBin> bins = calibration_bins(c, right);
  ASSERT_EQ(bins.size(), 10u);
  EXPECT_EQ(bins[9].count, 2u);
  EXPECT_EQ(bins[6].count, 3u);
  EXPECT_NEAR(bins[6].accuracy, 2.0 / 3.0, 1e-12);
  // A confidence of exactly 1 goes in the last bin.
  EXPECT_EQ(calibration_bins({1.0}, {true})[9].count, 1u);
  EXPECT_EQ(expected_calibration_error({}, {}), 0.0);
}

TEST(Calibration, FitRecoversTheTemperatureTheLabelsWereDrawnWith) {
  // Labels drawn from softmax(z / 2.5) while the "network" reports softmax(z): an
  // over-confident classifier whose right temperature is 2.5.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0, 3.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<ScoredSong> songs;
  for (int i = 0; i < 6000; ++i) {
    std::vector<double> z(4);
    for (double& v : z) v = normal(rng);
    std::vector<float> reported(4);
    std::vector<double> truth_p(4);
    double zr = 0, zt = 0;
    for (int k = 0; k < 4; ++k) zr += std::exp(z[k]), zt += std::exp(z[k] / 2.5);
    for (int k = 0; k < 4; ++k) {
      reported[k] = static_cast<float>(std::exp(z[k]) / zr);
      truth_p[k] = std::exp(z[k] / 2.5) / zt;
    }
    double u = uniform(rng);
    int label = 3;
    for (int k = 0; k < 4; ++k) {
      if (u < truth_p[k]) {
        label = k;
        break;
      }
      u -= truth_p[k];
    }
    songs.push_back(ScoredSong{label, {reported}});
  }
  const double t = fit_temperature(songs);
  EXPECT_NEAR(t, 2.5, 0.2);
  // The fit is a minimum of the likelihood.
  EXPECT_LT(mean_nll(songs, t), mean_nll(songs, t * 0.8));
  EXPECT_LT(mean_nll(songs, t), mean_nll(songs, t * 1.25));
  EXPECT_EQ(fit_temperature({}), 1.0);
}

TEST(Calibration, UncertainThresholdMarksTheBandThatIsMoreOftenWrong) {
  // Sorted: 0.2 W, 0.3 W, 0.4 R, 0.45 W, 0.6 R, 0.8 R. "Uncertain below 0.35" keeps 3 right
  // answers and marks 2 wrong ones (score 5); "below 0.5" marks 3 wrong and keeps 2 right
  // (also 5). Ties go to the lower threshold.
  const std::vector<double> c = {0.8, 0.2, 0.45, 0.6, 0.3, 0.4};
  const std::vector<bool> right = {true, false, false, true, false, true};
  EXPECT_NEAR(choose_uncertain_threshold(c, right), (0.3 + 0.4) / 2, 1e-12);
  // Everything right: nothing is uncertain.
  EXPECT_EQ(choose_uncertain_threshold({0.3, 0.9}, {true, true}), 0.0);
  // Low answers wrong, high right: the cut goes between them.
  EXPECT_NEAR(choose_uncertain_threshold({0.2, 0.3, 0.7, 0.9}, {false, false, true, true}), 0.5,
              1e-12);
  EXPECT_EQ(choose_uncertain_threshold({}, {}), 0.0);
}

}  // namespace
}  // namespace genrec
