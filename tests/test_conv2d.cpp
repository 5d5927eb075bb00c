// The inference convolution (implicit GEMM, lib/model/conv2d.cpp) against a direct
// six-loop convolution, with a distinct bias per output channel, channel counts that do not
// fill the kernel's 4-channel tiles and rows longer than its 24-column tiles. CTest runs this
// program twice (tests/CMakeLists.txt): on the kernel the CPU picks (AVX2 where present) and
// with GENREC_GENERIC_KERNELS=1 on the portable one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "model/conv2d.h"

namespace genrec {
namespace {

struct Case {
  int c_in, c_out, k, height, width;
};

// out[co][y][x] = bias[co] + sum w[co][ci][ky][kx] * in[ci][y+ky-p][x+kx-p], zero outside, then
// max(0, .) when `relu`.
std::vector<float> direct_conv(const std::vector<float>& in, const std::vector<float>& w,
                               const std::vector<float>& bias, const Case& c, bool relu) {
  const int p = c.k / 2;
  std::vector<float> out(static_cast<std::size_t>(c.c_out) * c.height * c.width);
  for (int co = 0; co < c.c_out; ++co)
    for (int y = 0; y < c.height; ++y)
      for (int x = 0; x < c.width; ++x) {
        double acc = bias[co];
        for (int ci = 0; ci < c.c_in; ++ci)
          for (int ky = 0; ky < c.k; ++ky)
            for (int kx = 0; kx < c.k; ++kx) {
              const int yy = y + ky - p, xx = x + kx - p;
              if (yy < 0 || yy >= c.height || xx < 0 || xx >= c.width) continue;
              acc += static_cast<double>(w[((co * c.c_in + ci) * c.k + ky) * c.k + kx]) *
                     in[(static_cast<std::size_t>(ci) * c.height + yy) * c.width + xx];
            }
        out[(static_cast<std::size_t>(co) * c.height + y) * c.width + x] =
            static_cast<float>(relu ? std::max(0.0, acc) : acc);
      }
  return out;
}

TEST(Conv2d, MatchesADirectConvolutionWithAPerChannelBias) {
  const Case cases[] = {
      {1, 4, 3, 4, 24},   // one full tile of channels and columns
      {3, 6, 3, 5, 30},   // a partial channel tile and rows spanning two column tiles
      {2, 9, 5, 7, 41},   // three channel tiles, the last with one channel; a 5x5 kernel
      {5, 13, 1, 3, 50},  // 1x1 kernel (no border)
  };
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "c_in " << c.c_in << " c_out " << c.c_out << " k " << c.k
                                      << " " << c.height << "x" << c.width);
    std::vector<float> w(static_cast<std::size_t>(c.c_out) * c.c_in * c.k * c.k);
    for (float& v : w) v = 0.5f * normal(rng);
    // Biases far apart (and some negative, so ReLU clips) make every channel's own bias matter.
    std::vector<float> bias(static_cast<std::size_t>(c.c_out));
    for (int co = 0; co < c.c_out; ++co) bias[co] = 1.5f * static_cast<float>(co) - 4.0f;
    std::vector<float> in(static_cast<std::size_t>(c.c_in) * c.height * c.width);
    for (float& v : in) v = normal(rng);

    FeatureMap map;
    map.reset(c.c_in, c.height, c.width, c.k / 2);
    for (int ci = 0; ci < c.c_in; ++ci)
      for (int y = 0; y < c.height; ++y)
        std::copy_n(in.data() + (static_cast<std::size_t>(ci) * c.height + y) * c.width, c.width,
                    map.at(ci, y, 0));
    const Conv2d conv(w, bias, c.c_in, c.c_out, c.k);
    for (bool relu : {true, false}) {
      SCOPED_TRACE(relu ? "with ReLU" : "without ReLU");
      std::vector<float> got;
      conv.forward(map, got, relu);
      ASSERT_EQ(got.size(), static_cast<std::size_t>(c.c_out) * c.height * map.row_stride());

      const std::vector<float> expected = direct_conv(in, w, bias, c, relu);
      int positive = 0, negative = 0;
      for (int co = 0; co < c.c_out; ++co)
        for (int y = 0; y < c.height; ++y)
          for (int x = 0; x < c.width; ++x) {
            const float e = expected[(static_cast<std::size_t>(co) * c.height + y) * c.width + x];
            const float g =
                got[(static_cast<std::size_t>(co) * c.height + y) * map.row_stride() + x];
            positive += e > 0;
            negative += e < 0;
            ASSERT_NEAR(g, e, 1e-4f * (1.0f + std::abs(e)))
                << "channel " << co << " row " << y << " column " << x;
          }
      // Both sides of the ReLU are exercised; without it, negative outputs stay.
      EXPECT_GT(positive, 0);
      EXPECT_LT(positive, static_cast<int>(expected.size()));
      EXPECT_EQ(negative > 0, !relu);
    }
  }
}

}  // namespace
}  // namespace genrec
