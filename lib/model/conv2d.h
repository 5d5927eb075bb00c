#pragma once
// The convolution of the inference network: 'same' 2-D convolution (stride 1, zero padding
// k/2) with a per-channel bias and ReLU, one sample at a time, channel-major [c][y][x] like
// LibTorch's NCHW. It is an implicit GEMM: input planes carry a zero border, so for every
// kernel tap the GEMM's input row is a contiguous run of the input (no im2col copy).
// Torch-free: predict, eval and serve run the CNN without loading LibTorch.
#include <cstddef>
#include <vector>

namespace genrec {

// Channel planes with a zero border of `pad` on every side, plus read slack at the end.
struct FeatureMap {
  int channels = 0, height = 0, width = 0, pad = 0;
  std::vector<float> data;

  // Sizes and zero-fills (border included); keeps the allocation when the size is unchanged.
  void reset(int n_channels, int n_height, int n_width, int n_pad);
  int row_stride() const { return width + 2 * pad; }
  std::size_t plane_stride() const {
    return static_cast<std::size_t>(height + 2 * pad) * row_stride();
  }
  float* at(int c, int y, int x) {
    return data.data() + c * plane_stride() + static_cast<std::size_t>(y + pad) * row_stride() +
           (x + pad);
  }
};

class Conv2d {
 public:
  // weights: [c_out][c_in][k][k] row-major; bias: [c_out]; k odd.
  Conv2d(const std::vector<float>& weights, const std::vector<float>& bias, int c_in, int c_out,
         int k);
  int kernel() const { return k_; }
  int out_channels() const { return c_out_; }

  // out[co][y * in.row_stride() + x] = bias[co] + sum_{ci,ky,kx} w * in(ci, y+ky-p, x+kx-p),
  // through a ReLU (max with 0) when `relu`, for y < in.height and x < in.width; the other
  // columns of each row are scratch. `in` must have in.pad == kernel / 2 and in_channels
  // channels. out is resized to c_out * in.height * in.row_stride().
  void forward(const FeatureMap& in, std::vector<float>& out, bool relu = true) const;

 private:
  int c_in_, c_out_, k_;
  std::vector<float> packed_;  // [c_out/4 panels][c_in*k*k][4], zero rows past c_out
  std::vector<float> bias_;    // [panels * 4]
};

// A residual unit's shortcut: grid[c][y][x] = max(0, grid[c][y][x] + skip(c, y, x)) over the
// valid part of a conv output grid [c][skip.height][skip.row_stride()] (the unit's input `skip`
// has the grid's sizes and border).
void add_relu(float* grid, const FeatureMap& skip);
// 2x2 max pool (stride 2, floor) of a conv output grid [c][height][row_stride] into the
// interior of `next`, which must be sized [c][height/2][valid width/2].
void max_pool_2x2(const float* grid, int height, int row_stride, FeatureMap& next);
// The valid part of a conv output grid into the interior of `next` (same sizes).
void copy_grid(const float* grid, int height, int width, int row_stride, FeatureMap& next);

}  // namespace genrec
