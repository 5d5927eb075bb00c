#include "train/max_pool.h"

#include <cmath>
#include <cstdint>

namespace genrec {
namespace {

// One output row pair: the maximum of each 2x2 window of rows r0/r1 and which of its taps (0:
// r0[2x], 1: r0[2x+1], 2: r1[2x], 3: r1[2x+1]) it came from. The order and the test (greater, or
// NaN) are LibTorch's, so ties and NaNs resolve the same way.
void pool_row(const float* r0, const float* r1, std::int64_t out_width, float* out,
              std::uint8_t* tap) {
  for (std::int64_t x = 0; x < out_width; ++x) {
    const float taps[4] = {r0[2 * x], r0[2 * x + 1], r1[2 * x], r1[2 * x + 1]};
    float best = -INFINITY;
    std::uint8_t which = 0;
    for (std::uint8_t t = 0; t < 4; ++t) {
      if (taps[t] > best || std::isnan(taps[t])) {
        best = taps[t];
        which = t;
      }
    }
    out[x] = best;
    tap[x] = which;
  }
}

struct MaxPool2x2Function : public torch::autograd::Function<MaxPool2x2Function> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x) {
    const torch::Tensor in = x.contiguous();
    const std::int64_t planes = in.size(0) * in.size(1), height = in.size(2), width = in.size(3);
    const std::int64_t out_height = height / 2, out_width = width / 2;
    torch::Tensor out = torch::empty({in.size(0), in.size(1), out_height, out_width}, in.options());
    torch::Tensor taps = torch::empty(out.sizes(), in.options().dtype(torch::kUInt8));
    const float* src = in.data_ptr<float>();
    float* dst = out.data_ptr<float>();
    std::uint8_t* tap = taps.data_ptr<std::uint8_t>();
    for (std::int64_t p = 0; p < planes; ++p) {
      for (std::int64_t y = 0; y < out_height; ++y) {
        const float* r0 = src + (p * height + 2 * y) * width;
        const std::int64_t o = (p * out_height + y) * out_width;
        pool_row(r0, r0 + width, out_width, dst + o, tap + o);
      }
    }
    ctx->save_for_backward({taps});
    ctx->saved_data["height"] = height;
    ctx->saved_data["width"] = width;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const torch::Tensor taps = ctx->get_saved_variables()[0];
    const std::int64_t height = ctx->saved_data["height"].toInt();
    const std::int64_t width = ctx->saved_data["width"].toInt();
    const torch::Tensor grad_out = grads[0].contiguous();
    const std::int64_t planes = taps.size(0) * taps.size(1);
    const std::int64_t out_height = taps.size(2), out_width = taps.size(3);
    torch::Tensor grad_in =
        torch::zeros({taps.size(0), taps.size(1), height, width}, grad_out.options());
    const float* g = grad_out.data_ptr<float>();
    const std::uint8_t* tap = taps.data_ptr<std::uint8_t>();
    float* gi = grad_in.data_ptr<float>();
    for (std::int64_t p = 0; p < planes; ++p) {
      for (std::int64_t y = 0; y < out_height; ++y) {
        float* r0 = gi + (p * height + 2 * y) * width;
        const std::int64_t o = (p * out_height + y) * out_width;
        for (std::int64_t x = 0; x < out_width; ++x) {
          const std::uint8_t t = tap[o + x];
          r0[(t >> 1) * width + 2 * x + (t & 1)] = g[o + x];
        }
      }
    }
    return {grad_in};
  }
};

}  // namespace

torch::Tensor max_pool_2x2(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4 && x.scalar_type() == torch::kFloat && x.device().is_cpu(),
              "max_pool_2x2: a 4-d float CPU tensor is needed");
  return MaxPool2x2Function::apply(x);
}

}  // namespace genrec
