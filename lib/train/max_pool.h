#pragma once
// 2x2 max pooling (stride 2, floor) for training, as an autograd function: the same values and
// gradients as torch::nn::MaxPool2d(2) bit for bit (the first of the four taps in row-major order
// that holds the maximum gets the gradient; NaN wins), in a fraction of LibTorch 1.13's time on
// CPU, where its generic pooling kernel took about a quarter of a training step. The tap index is
// kept as one byte per output, not LibTorch's int64.
#include <torch/torch.h>

namespace genrec {

// x: float [batch][channels][height][width] (any strides) -> [batch][channels][height/2][width/2].
torch::Tensor max_pool_2x2(const torch::Tensor& x);

// The module form, for a torch::nn::Sequential.
class MaxPool2x2Impl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x) { return max_pool_2x2(x); }
};
TORCH_MODULE(MaxPool2x2);

}  // namespace genrec
