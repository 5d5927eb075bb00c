// The portable Beta(alpha, alpha) sampler of mixup (data/beta_sampler.h): its draws have the
// Beta distribution's mean and variance, stay in [0, 1], and are fixed numbers for a fixed seed
// (built on the generator's raw output only, so they are the same with every standard library).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "data/beta_sampler.h"

namespace genrec {
namespace {

struct Moments {
  double mean = 0, variance = 0, min = 1, max = 0;
};

template <typename Draw>
Moments moments(int n, Draw draw) {
  Moments m;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw();
    sum += x;
    sum_sq += x * x;
    m.min = std::min(m.min, x);
    m.max = std::max(m.max, x);
  }
  m.mean = sum / n;
  m.variance = sum_sq / n - m.mean * m.mean;
  return m;
}

TEST(BetaSampler, StandardNormalHasMeanZeroAndVarianceOne) {
  std::mt19937_64 rng(1);
  const Moments m = moments(200000, [&] { return standard_normal(rng); });
  EXPECT_NEAR(m.mean, 0.0, 0.01);
  EXPECT_NEAR(m.variance, 1.0, 0.02);
}

TEST(BetaSampler, GammaHasMeanAndVarianceOfItsShape) {
  for (const double shape : {0.1, 0.5, 1.0, 1.5, 4.0, 20.0}) {
    std::mt19937_64 rng(2);
    const Moments m =
        moments(200000, [&] { return std::exp(log_gamma_draw(shape, rng)); });  // Gamma(k, 1)
    EXPECT_NEAR(m.mean, shape, 0.02 * std::max(1.0, shape)) << "shape " << shape;
    EXPECT_NEAR(m.variance, shape, 0.05 * std::max(1.0, shape)) << "shape " << shape;
    EXPECT_GT(m.min, 0.0) << "shape " << shape;
  }
}

TEST(BetaSampler, SymmetricBetaHasItsMeanAndVarianceAndStaysInUnitInterval) {
  // Beta(a, a): mean a / 2a = 1/2, variance a^2 / ((2a)^2 (2a + 1)) = 1 / (4 (2a + 1)).
  for (const double alpha : {0.05, 0.2, 0.4, 0.7, 1.0, 2.0, 8.0}) {
    std::mt19937_64 rng(3);
    const Moments m = moments(200000, [&] { return beta_symmetric(alpha, rng); });
    const double variance = 1.0 / (4.0 * (2.0 * alpha + 1.0));
    EXPECT_NEAR(m.mean, 0.5, 0.005) << "alpha " << alpha;
    EXPECT_NEAR(m.variance, variance, 0.03 * variance) << "alpha " << alpha;
    EXPECT_GE(m.min, 0.0) << "alpha " << alpha;
    EXPECT_LE(m.max, 1.0) << "alpha " << alpha;
  }
}

TEST(BetaSampler, SmallAlphaPilesUpAtTheEnds) {
  // Beta(0.1, 0.1) is U-shaped: P(x < 0.01 or x > 0.99) = 2 I_0.01(0.1, 0.1) = 0.6406 (by
  // numerical integration of the density).
  std::mt19937_64 rng(4);
  int ends = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double x = beta_symmetric(0.1, rng);
    ends += x < 0.01 || x > 0.99;
  }
  EXPECT_NEAR(static_cast<double>(ends) / n, 0.6406, 0.01);
}

TEST(BetaSampler, FixedSeedGivesFixedDraws) {
  // The draws this implementation makes from std::mt19937_64(42), whose raw output the C++
  // standard fixes: a change of generator, method or order of draws changes them. The tolerance
  // leaves room only for a last-bit difference of the maths library's log and exp.
  const std::vector<double> expected_half = {0.69312031799392759, 0.032446518867737237,
                                             0.34394265388307182, 0.029991872395813145};
  const std::vector<double> expected_two = {0.77194039690354121, 0.88132129606804677,
                                            0.53308805292515371, 0.83720722293554095};
  std::mt19937_64 rng(42);
  for (double e : expected_half) EXPECT_NEAR(beta_symmetric(0.5, rng), e, 1e-12);
  for (double e : expected_two) EXPECT_NEAR(beta_symmetric(2.0, rng), e, 1e-12);
}

}  // namespace
}  // namespace genrec
