#include "model/conv2d.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GENREC_HAVE_AVX2_KERNEL 1
#endif

#include "audio/error.h"

namespace genrec {
namespace {

// The register tile of the GEMM: kRows output channels x kCols output positions.
constexpr int kRows = 4;
constexpr int kCols = 24;
// Floats of slack after the last plane: the last tile reads kCols values from the last output
// position's window, which reaches 2 * pad columns past the last plane's last row (the rows
// below it are the plane's own bottom border).
std::size_t read_slack(int pad) { return kCols + 2 * static_cast<std::size_t>(pad); }

// One tile: c[r][j] = max(floor, bias[r] + sum_p a[p][r] * b[offsets[p] + j]), r < rows,
// j < cols (floor 0: ReLU; -infinity: none). a: the packed weights of kRows channels
// ([k][kRows]); b: the input at the tile's position.
using TileFn = void (*)(int k, const float* a, const float* b, const std::int32_t* offsets,
                        const float* bias, float floor, float* c, std::size_t ldc, int rows,
                        int cols);

void tile_generic(int k, const float* a, const float* b, const std::int32_t* offsets,
                  const float* bias, float floor, float* c, std::size_t ldc, int rows, int cols) {
  float acc[kRows][kCols];
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < kCols; ++j) acc[r][j] = bias[r];
  for (int p = 0; p < k; ++p) {
    const float* bp = b + offsets[p];
    for (int r = 0; r < kRows; ++r) {
      const float ar = a[p * kRows + r];
      for (int j = 0; j < kCols; ++j) acc[r][j] += ar * bp[j];
    }
  }
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < cols; ++j) c[r * ldc + j] = std::max(floor, acc[r][j]);
}

#ifdef GENREC_HAVE_AVX2_KERNEL
// The same tile in AVX2 + FMA registers: 12 accumulators of 8 floats, 3 input loads and 4
// broadcasts per step (the 4x24 shape keeps all 16 ymm registers busy without spilling).
__attribute__((target("avx2,fma"))) void tile_avx2(int k, const float* a, const float* b,
                                                   const std::int32_t* offsets, const float* bias,
                                                   float floor, float* c, std::size_t ldc, int rows,
                                                   int cols) {
  // Named accumulators: an array of them is spilled to the stack on every step by GCC 12.
  __m256 c00 = _mm256_broadcast_ss(bias + 0), c01 = c00, c02 = c00;
  __m256 c10 = _mm256_broadcast_ss(bias + 1), c11 = c10, c12 = c10;
  __m256 c20 = _mm256_broadcast_ss(bias + 2), c21 = c20, c22 = c20;
  __m256 c30 = _mm256_broadcast_ss(bias + 3), c31 = c30, c32 = c30;
  for (int p = 0; p < k; ++p) {
    const float* bp = b + offsets[p];
    const float* ap = a + p * kRows;
    const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8),
                 b2 = _mm256_loadu_ps(bp + 16);
    // Row r's weight times the three input vectors, into that row's accumulators.
#define GENREC_TILE_ROW(r, x0, x1, x2)              \
  {                                                 \
    const __m256 w = _mm256_broadcast_ss(ap + (r)); \
    x0 = _mm256_fmadd_ps(w, b0, x0);                \
    x1 = _mm256_fmadd_ps(w, b1, x1);                \
    x2 = _mm256_fmadd_ps(w, b2, x2);                \
  }
    GENREC_TILE_ROW(0, c00, c01, c02)
    GENREC_TILE_ROW(1, c10, c11, c12)
    GENREC_TILE_ROW(2, c20, c21, c22)
    GENREC_TILE_ROW(3, c30, c31, c32)
#undef GENREC_TILE_ROW
  }
  const __m256 lo = _mm256_set1_ps(floor);
  const __m256 acc[kRows][3] = {
      {_mm256_max_ps(c00, lo), _mm256_max_ps(c01, lo), _mm256_max_ps(c02, lo)},
      {_mm256_max_ps(c10, lo), _mm256_max_ps(c11, lo), _mm256_max_ps(c12, lo)},
      {_mm256_max_ps(c20, lo), _mm256_max_ps(c21, lo), _mm256_max_ps(c22, lo)},
      {_mm256_max_ps(c30, lo), _mm256_max_ps(c31, lo), _mm256_max_ps(c32, lo)}};
  if (rows == kRows && cols == kCols) {
    for (int r = 0; r < kRows; ++r)
      for (int j = 0; j < 3; ++j) _mm256_storeu_ps(c + r * ldc + 8 * j, acc[r][j]);
    return;
  }
  alignas(32) float tmp[kRows][kCols];
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 3; ++j) _mm256_store_ps(&tmp[r][8 * j], acc[r][j]);
  for (int r = 0; r < rows; ++r) std::memcpy(c + r * ldc, tmp[r], sizeof(float) * cols);
}
#endif

TileFn pick_tile() {
  // GENREC_GENERIC_KERNELS=1 forces the portable kernel, so tests run it on AVX2 machines too.
  if (const char* force = std::getenv("GENREC_GENERIC_KERNELS"); force && std::string(force) == "1")
    return tile_generic;
#ifdef GENREC_HAVE_AVX2_KERNEL
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return tile_avx2;
#endif
  return tile_generic;
}

}  // namespace

void FeatureMap::reset(int n_channels, int n_height, int n_width, int n_pad) {
  channels = n_channels;
  height = n_height;
  width = n_width;
  pad = n_pad;
  data.assign(static_cast<std::size_t>(channels) * plane_stride() + read_slack(pad), 0.0f);
}

Conv2d::Conv2d(const std::vector<float>& weights, const std::vector<float>& bias, int c_in,
               int c_out, int k)
    : c_in_(c_in), c_out_(c_out), k_(k) {
  const std::size_t taps = static_cast<std::size_t>(c_in) * k * k;
  if (k < 1 || k % 2 == 0 || weights.size() != taps * c_out ||
      bias.size() != static_cast<std::size_t>(c_out))
    throw Error("model", "conv2d", "weights do not match the layer's shape");
  const int panels = (c_out + kRows - 1) / kRows;
  packed_.assign(static_cast<std::size_t>(panels) * taps * kRows, 0.0f);
  bias_.assign(static_cast<std::size_t>(panels) * kRows, 0.0f);
  for (int co = 0; co < c_out; ++co) {
    float* panel = packed_.data() + static_cast<std::size_t>(co / kRows) * taps * kRows;
    for (std::size_t p = 0; p < taps; ++p) panel[p * kRows + co % kRows] = weights[co * taps + p];
    bias_[co] = bias[co];
  }
}

void Conv2d::forward(const FeatureMap& in, std::vector<float>& out, bool relu) const {
  static const TileFn tile = pick_tile();
  if (in.channels != c_in_ || in.pad != k_ / 2)
    throw Error("model", "conv2d", "input does not match the layer");
  if (static_cast<std::size_t>(c_in_) * in.plane_stride() > INT32_MAX)
    throw Error("model", "conv2d", "input too large for the kernel's 32-bit offsets");
  const int taps = c_in_ * k_ * k_;
  // Offsets of every (ci, ky, kx) tap from an output position's top-left input value.
  std::vector<std::int32_t> offsets(static_cast<std::size_t>(taps));
  for (int ci = 0, p = 0; ci < c_in_; ++ci)
    for (int ky = 0; ky < k_; ++ky)
      for (int kx = 0; kx < k_; ++kx, ++p)
        offsets[p] = static_cast<std::int32_t>(ci * in.plane_stride() + ky * in.row_stride() + kx);
  // Output position n = y * row_stride + x reads its window from in.data[n + offsets[p]].
  const std::size_t n = static_cast<std::size_t>(in.height) * in.row_stride();
  out.resize(static_cast<std::size_t>(c_out_) * n);
  const int panels = (c_out_ + kRows - 1) / kRows;
  const float floor = relu ? 0.0f : -std::numeric_limits<float>::infinity();
  for (std::size_t n0 = 0; n0 < n; n0 += kCols) {
    const int cols = static_cast<int>(std::min<std::size_t>(kCols, n - n0));
    for (int m = 0; m < panels; ++m) {
      const int rows = std::min(kRows, c_out_ - m * kRows);
      tile(taps, packed_.data() + static_cast<std::size_t>(m) * taps * kRows, in.data.data() + n0,
           offsets.data(), bias_.data() + m * kRows, floor, out.data() + m * kRows * n + n0, n,
           rows, cols);
    }
  }
}

void add_relu(float* grid, const FeatureMap& skip) {
  const std::size_t plane = static_cast<std::size_t>(skip.height) * skip.row_stride();
  for (int c = 0; c < skip.channels; ++c)
    for (int y = 0; y < skip.height; ++y) {
      float* dst = grid + c * plane + static_cast<std::size_t>(y) * skip.row_stride();
      const float* src = skip.data.data() + c * skip.plane_stride() +
                         static_cast<std::size_t>(y + skip.pad) * skip.row_stride() + skip.pad;
      for (int x = 0; x < skip.width; ++x) dst[x] = std::max(0.0f, dst[x] + src[x]);
    }
}

void max_pool_2x2(const float* grid, int height, int row_stride, FeatureMap& next) {
  const std::size_t plane = static_cast<std::size_t>(height) * row_stride;
  for (int c = 0; c < next.channels; ++c) {
    const float* src = grid + c * plane;
    for (int y = 0; y < next.height; ++y) {
      const float* r0 = src + static_cast<std::size_t>(2 * y) * row_stride;
      const float* r1 = r0 + row_stride;
      float* dst = next.at(c, y, 0);
      for (int x = 0; x < next.width; ++x)
        dst[x] = std::max(std::max(r0[2 * x], r0[2 * x + 1]), std::max(r1[2 * x], r1[2 * x + 1]));
    }
  }
}

void copy_grid(const float* grid, int height, int width, int row_stride, FeatureMap& next) {
  const std::size_t plane = static_cast<std::size_t>(height) * row_stride;
  for (int c = 0; c < next.channels; ++c)
    for (int y = 0; y < height; ++y)
      std::memcpy(next.at(c, y, 0), grid + c * plane + static_cast<std::size_t>(y) * row_stride,
                  sizeof(float) * width);
}

}  // namespace genrec
