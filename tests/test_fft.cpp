// RealFft (our power-of-two transform and the KissFFT path) against a direct DFT in double.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <random>
#include <vector>

#include "audio/fft.h"

namespace genrec {
namespace {

// ref: numpy.fft.rfft by its definition, X[k] = sum_j x[j] exp(-2 pi i j k / n), in double.
std::vector<std::complex<double>> direct_rdft(const std::vector<float>& x) {
  const std::size_t n = x.size();
  std::vector<std::complex<double>> out(n / 2 + 1);
  for (std::size_t k = 0; k <= n / 2; ++k) {
    std::complex<double> acc = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double a = -2.0 * M_PI * static_cast<double>((j * k) % n) / static_cast<double>(n);
      acc += static_cast<double>(x[j]) * std::complex<double>(std::cos(a), std::sin(a));
    }
    out[k] = acc;
  }
  return out;
}

class FftSizes : public ::testing::TestWithParam<int> {};

TEST_P(FftSizes, ForwardMatchesDirectDftAndInverseRoundTrips) {
  const int n = GetParam();
  std::mt19937 rng(static_cast<unsigned>(n));
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(static_cast<std::size_t>(n));
  for (float& v : x) v = u(rng);

  RealFft fft(n);
  std::vector<std::complex<float>> bins(static_cast<std::size_t>(n / 2 + 1));
  fft.forward(x.data(), bins.data());
  const auto ref = direct_rdft(x);
  double worst = 0, rms = 0;
  for (std::size_t k = 0; k < ref.size(); ++k) {
    worst = std::max(worst, std::abs(std::complex<double>(bins[k]) - ref[k]));
    rms += std::norm(ref[k]);
  }
  rms = std::sqrt(rms / static_cast<double>(ref.size()));
  std::printf("[fft] n=%d rel err %.2e\n", n, worst / rms);
  // float32 FFT error grows like eps * log2(n) relative to the spectrum's rms.
  EXPECT_LE(worst / rms, 2e-7 * std::log2(n)) << "n = " << n;

  std::vector<float> back(static_cast<std::size_t>(n));
  fft.inverse(bins.data(), back.data());
  for (int i = 0; i < n; ++i) ASSERT_NEAR(back[i], x[i], 1e-5) << "n = " << n << " i = " << i;
}

INSTANTIATE_TEST_SUITE_P(PowersOfTwo, FftSizes,
                         ::testing::Values(4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096));
INSTANTIATE_TEST_SUITE_P(OtherEvenSizes, FftSizes, ::testing::Values(2, 6, 10, 96, 400, 2000));

TEST(Fft, RejectsOddSizes) { EXPECT_THROW(RealFft(7), std::exception); }

}  // namespace
}  // namespace genrec
