// Training augmentation (lib/data/augment.h), one transform at a time: what each may change,
// by how much, and that a seed repeats it exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "data/augment.h"

namespace genrec {
namespace {

constexpr int kMels = 32, kFrames = 40;

std::vector<float> window(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-70.0f, -10.0f);
  std::vector<float> x(kMels * kFrames);
  for (float& v : x) v = u(rng);
  return x;
}

AugmentOptions nothing() {
  AugmentOptions o;
  o.freq_masks = o.time_masks = 0;
  o.gain_db = 0;
  o.lowpass_prob = 0;
  return o;
}

float at(const std::vector<float>& x, int band, int frame) { return x[band * kFrames + frame]; }

std::vector<float> run(const AugmentOptions& o, const std::vector<float>& x, std::uint64_t seed,
                       const std::vector<float>& fill = std::vector<float>(kMels, -99.0f)) {
  std::vector<float> y = x;
  std::mt19937_64 rng(seed);
  augment_window(y.data(), kMels, kFrames, o, /*top_db=*/80.0, fill, rng);
  return y;
}

// The window augmented with seeds 0, 1, ..., n - 1.
std::vector<std::vector<float>> runs(const AugmentOptions& o, const std::vector<float>& x,
                                     int n = 20) {
  std::vector<std::vector<float>> ys;
  for (int seed = 0; seed < n; ++seed) ys.push_back(run(o, x, static_cast<std::uint64_t>(seed)));
  return ys;
}

TEST(Augment, NothingEnabledChangesNothing) {
  const auto x = window(1);
  EXPECT_EQ(run(nothing(), x, 3), x);
}

TEST(Augment, GainShiftsEveryValueByOneBoundedAmount) {
  AugmentOptions o = nothing();
  o.gain_db = 6;
  const auto x = window(2);
  for (const auto& y : runs(o, x)) {
    const float g = y[0] - x[0];
    EXPECT_LE(std::abs(g), 6.0f);
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(y[i] - x[i], g, 1e-4f);
  }
}

TEST(Augment, MasksFillWholeBandsAndFramesWithTheFillValue) {
  AugmentOptions o = nothing();
  o.freq_masks = 1;
  o.freq_mask_max = 5;
  const auto x = window(3);
  for (const auto& y : runs(o, x)) {
    int masked = 0;
    for (int b = 0; b < kMels; ++b) {
      const bool all_fill = std::all_of(y.begin() + b * kFrames, y.begin() + (b + 1) * kFrames,
                                        [](float v) { return v == -99.0f; });
      const bool untouched = std::equal(y.begin() + b * kFrames, y.begin() + (b + 1) * kFrames,
                                        x.begin() + b * kFrames);
      ASSERT_TRUE(all_fill || untouched) << "band " << b;
      masked += all_fill;
    }
    EXPECT_LE(masked, 5);
  }
  o = nothing();
  o.time_masks = 2;
  o.time_mask_max = 7;
  const auto y = run(o, x, 5);
  int masked = 0;
  for (int t = 0; t < kFrames; ++t) {
    bool all_fill = true, untouched = true;
    for (int b = 0; b < kMels; ++b) {
      all_fill = all_fill && at(y, b, t) == -99.0f;
      untouched = untouched && at(y, b, t) == at(x, b, t);
    }
    ASSERT_TRUE(all_fill || untouched) << "frame " << t;
    masked += all_fill;
  }
  EXPECT_LE(masked, 14);
}

// Where a 16 kHz source really has its bands above 8 kHz: at the front end's floor.
TEST(Augment, LowpassFloorsEveryBandFromACutoffUp) {
  AugmentOptions o = nothing();
  o.lowpass_prob = 1.0;
  o.lowpass_min_band = 20;
  o.lowpass_slope_bands = 0;  // a wall
  const auto x = window(4);
  const float floor_db = *std::max_element(x.begin(), x.end()) - 80.0f;
  for (const auto& y : runs(o, x)) {
    int cutoff = kMels;
    while (cutoff > 0 && at(y, cutoff - 1, 0) == floor_db && at(y, cutoff - 1, 9) == floor_db)
      --cutoff;
    EXPECT_GE(cutoff, 20);
    EXPECT_LT(cutoff, kMels);
    EXPECT_TRUE(std::equal(y.begin(), y.begin() + cutoff * kFrames, x.begin()));
    for (int b = cutoff; b < kMels; ++b)
      for (int t = 0; t < kFrames; ++t) ASSERT_EQ(at(y, b, t), floor_db);
  }
}

// The teacher view of lowpass_teacher_weight: the same seed with apply_lowpass = false makes
// every other draw the same and leaves the bands alone, and the return value says whether band
// limiting was drawn.
TEST(Augment, WithoutApplyingLowpassTheSameDrawsLeaveTheBands) {
  AugmentOptions o;  // masks, gain and band limiting on half of the windows
  o.lowpass_prob = 0.5;
  o.lowpass_min_band = 20;
  const auto x = window(6);
  int drawn = 0;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    std::vector<float> with = x, without = x;
    std::mt19937_64 a(seed), b(seed);
    const bool lowpassed =
        augment_window(with.data(), kMels, kFrames, o, 80.0, std::vector<float>(kMels, -99.0f), a);
    EXPECT_EQ(augment_window(without.data(), kMels, kFrames, o, 80.0,
                             std::vector<float>(kMels, -99.0f), b, /*apply_lowpass=*/false),
              lowpassed);
    EXPECT_EQ(a(), b()) << "the two calls drew differently, seed " << seed;
    // Below the lowest band the slope can reach, both views are the same.
    const int untouched = (o.lowpass_min_band - o.lowpass_slope_bands) * kFrames;
    EXPECT_TRUE(std::equal(with.begin(), with.begin() + untouched, without.begin()));
    if (lowpassed) {
      ++drawn;
      EXPECT_NE(with, without) << "seed " << seed;
      // The highest band is at the floor in the band-limited view (masks may fill it too).
      EXPECT_LE(at(with, kMels - 1, 0), at(without, kMels - 1, 0));
    } else {
      EXPECT_EQ(with, without) << "seed " << seed;
    }
  }
  EXPECT_GT(drawn, 5);
  EXPECT_LT(drawn, 35);
}

TEST(Augment, LowpassSlopeAttenuatesTheBandsBelowTheCutoffStepByStep) {
  AugmentOptions o = nothing();
  o.lowpass_prob = 1.0;
  o.lowpass_min_band = 20;
  o.lowpass_slope_bands = 3;
  const auto x = window(9);
  const float floor_db = *std::max_element(x.begin(), x.end()) - 80.0f;
  for (const auto& y : runs(o, x)) {
    int cutoff = kMels;  // the first band of the floor: every band above it is there too
    while (cutoff > 0 &&
           std::all_of(y.begin() + (cutoff - 1) * kFrames, y.begin() + cutoff * kFrames,
                       [&](float v) { return v == floor_db; }))
      --cutoff;
    ASSERT_GE(cutoff, 20);
    for (int k = 1; k <= 3; ++k) {  // band cutoff - 4 + k loses k/4 of top_db
      const int b = cutoff - 4 + k;
      for (int t = 0; t < kFrames; ++t)
        ASSERT_EQ(at(y, b, t), std::max(floor_db, at(x, b, t) - 20.0f * k)) << b << " " << t;
    }
    EXPECT_TRUE(std::equal(y.begin(), y.begin() + (cutoff - 3) * kFrames, x.begin()));
  }
}

TEST(Augment, FrequencyShiftMovesRowsAndRepeatsTheEdge) {
  AugmentOptions o = nothing();
  o.freq_shift_max = 3;
  const auto x = window(5);
  int shifted = 0;
  const auto ys = runs(o, x);
  for (std::size_t seed = 0; seed < ys.size(); ++seed) {
    const auto& y = ys[seed];
    int found = 99;
    for (int s = -3; s <= 3 && found == 99; ++s) {
      bool ok = true;
      for (int b = 0; b < kMels && ok; ++b) {
        const int src = std::clamp(b - s, 0, kMels - 1);
        ok = std::equal(y.begin() + b * kFrames, y.begin() + (b + 1) * kFrames,
                        x.begin() + src * kFrames);
      }
      if (ok) found = s;
    }
    ASSERT_NE(found, 99) << "seed " << seed << ": not a shift of the input";
    shifted += found != 0;
  }
  EXPECT_GT(shifted, 10);
}

TEST(Augment, EqualisationIsASmoothPerBandOffset) {
  AugmentOptions o = nothing();
  o.eq_tilt_db = 6;
  const auto x = window(6);
  for (const auto& y : runs(o, x)) {
    std::vector<double> g(kMels);
    for (int b = 0; b < kMels; ++b) {
      g[b] = at(y, b, 0) - at(x, b, 0);
      for (int t = 1; t < kFrames; ++t) ASSERT_NEAR(at(y, b, t) - at(x, b, t), g[b], 1e-4);
    }
    // A tilt alone: linear across bands, opposite at the ends, at most 6 dB there.
    for (int b = 1; b + 1 < kMels; ++b) EXPECT_NEAR(g[b + 1] - 2 * g[b] + g[b - 1], 0.0, 1e-3);
    EXPECT_NEAR(g.front(), -g.back(), 1e-3);
    EXPECT_LE(std::abs(g.front()), 6.0 + 1e-4);
  }
  o.eq_tilt_db = 0;
  o.eq_bump_db = 4;
  const auto y = run(o, x, 7);
  double largest = 0;
  for (int b = 0; b < kMels; ++b)
    largest = std::max(largest, std::abs(double(at(y, b, 3) - at(x, b, 3))));
  EXPECT_GT(largest, 0.0);
  EXPECT_LE(largest, 4.0 + 1e-4);
}

// A codec's or a tape's noise: power added at one level per window, 40-80 dB below its max.
TEST(Augment, NoiseFloorAddsPowerAtOneLevelPerWindow) {
  AugmentOptions o = nothing();
  o.noise_prob = 1.0;
  o.noise_min_db = 40;
  auto x = window(11);
  const double max_db = *std::max_element(x.begin(), x.end());
  // Four bands just above the floor, where even the lowest noise shows.
  std::fill(x.begin(), x.begin() + 4 * kFrames, static_cast<float>(max_db - 79));
  std::vector<double> levels;
  for (const auto& y : runs(o, x)) {
    std::vector<double> noise;  // the added power, in dB, where it is large enough to recover
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_GE(y[i], x[i] - 1e-4f) << i;  // powers only add
      if (y[i] - x[i] > 0.5f)
        noise.push_back(10 * std::log10(std::pow(10.0, y[i] / 10.0) - std::pow(10.0, x[i] / 10.0)));
    }
    ASSERT_GT(noise.size(), 20u);
    const auto [lo, hi] = std::minmax_element(noise.begin(), noise.end());
    EXPECT_LE(*hi - *lo, 6.0 + 1e-2);  // one level, each bin +-3 dB about it
    EXPECT_LE(*hi, max_db - 40 + 3 + 1e-2);
    EXPECT_GE(*lo, max_db - 80 - 3 - 1e-2);
    levels.push_back((*hi + *lo) / 2);
  }
  const auto [lo, hi] = std::minmax_element(levels.begin(), levels.end());
  EXPECT_GT(*hi - *lo, 10.0);  // the level is drawn per window
}

// Quantisation in the quiet regions: loud bins and silence stay, quiet ones move by up to 4 dB.
TEST(Augment, QuietJitterMovesOnlyTheQuietBins) {
  AugmentOptions o = nothing();
  o.quiet_jitter_db = 4;
  auto x = window(12);
  const float max_db = *std::max_element(x.begin(), x.end());
  for (int t = 0; t < kFrames; ++t) x[5 * kFrames + t] = max_db - 80;  // a band of silence
  int moved_far = 0;
  for (const auto& y : runs(o, x)) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double quiet = std::clamp((max_db - x[i] - 30.0) / 30.0, 0.0, 1.0);
      if (quiet == 0 || x[i] == max_db - 80) {
        ASSERT_EQ(y[i], x[i]) << i;
      } else {
        ASSERT_LE(std::abs(y[i] - x[i]), 4 * quiet + 1e-4) << i;
        ASSERT_GE(y[i], max_db - 80) << i;
      }
      if (std::abs(y[i] - x[i]) > 2) ++moved_far;
    }
  }
  EXPECT_GT(moved_far, 100);
}

TEST(Augment, TheSameSeedRepeatsEverything) {
  AugmentOptions o;  // the defaults: masks, gain, band limiting
  o.eq_tilt_db = 3;
  o.eq_bump_db = 3;
  o.freq_shift_max = 2;
  o.noise_prob = 0.5;
  o.quiet_jitter_db = 2;
  const auto x = window(8);
  EXPECT_EQ(run(o, x, 42), run(o, x, 42));
  EXPECT_NE(run(o, x, 42), run(o, x, 43));
}

}  // namespace
}  // namespace genrec
