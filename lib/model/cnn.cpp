#include "model/cnn.h"

#include "audio/error.h"

namespace genrec {

GenreCnnImpl::GenreCnnImpl(const CnnConfig& config, int n_mels, int n_labels) : config_(config) {
  namespace nn = torch::nn;
  norm_mean_ = register_buffer("norm_mean", torch::zeros({n_mels}));
  norm_std_ = register_buffer("norm_std", torch::ones({n_mels}));
  nn::Sequential blocks;
  int in_channels = 1;
  for (int out_channels : config.channels) {
    for (int i = 0; i < config.convs_per_block; ++i) {
      // No conv bias: the batch norm that follows has its own shift.
      blocks->push_back(nn::Conv2d(nn::Conv2dOptions(in_channels, out_channels, config.kernel_size)
                                       .padding(config.kernel_size / 2)
                                       .bias(false)));
      blocks->push_back(nn::BatchNorm2d(out_channels));
      blocks->push_back(nn::ReLU(nn::ReLUOptions(/*inplace=*/true)));
      in_channels = out_channels;
    }
    blocks->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(/*kernel_size=*/2)));
  }
  blocks_ = register_module("blocks", blocks);
  dropout_ = register_module("dropout", nn::Dropout(config.dropout));
  head_ = register_module("head", nn::Linear(config.pooled_features(n_mels), n_labels));
}

torch::Tensor GenreCnnImpl::forward(const torch::Tensor& logmel) {
  auto x = logmel;
  if (config_.input_reference == "window_max") x = x - x.amax(/*dim=*/{1, 2}, /*keepdim=*/true);
  x = (x - norm_mean_.view({1, -1, 1})) / norm_std_.view({1, -1, 1});
  x = blocks_->forward(x.unsqueeze(1));  // [B][C][F'][T']
  torch::Tensor pooled;
  if (config_.pooling == "avg") {
    pooled = x.mean({2, 3});
  } else if (config_.pooling == "max") {
    pooled = x.amax({2, 3});
  } else if (config_.pooling == "time_avgmax") {
    pooled = torch::cat({x.mean(/*dim=*/3), x.amax(/*dim=*/3)}, /*dim=*/1).flatten(/*start_dim=*/1);
  } else {
    pooled = torch::cat({x.mean({2, 3}), x.amax({2, 3})}, /*dim=*/1);
  }
  return head_->forward(dropout_->forward(pooled));
}

void GenreCnnImpl::set_normalization(const std::vector<float>& mean,
                                     const std::vector<float>& std) {
  if (mean.size() != static_cast<std::size_t>(norm_mean_.size(0)) || std.size() != mean.size())
    throw Error("model", "normalization", "statistics do not match n_mels");
  torch::NoGradGuard no_grad;
  norm_mean_.copy_(torch::tensor(mean));
  norm_std_.copy_(torch::tensor(std).clamp_min(1e-3));
}

std::int64_t GenreCnnImpl::n_parameters() const {
  std::int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

void copy_weights(GenreCnn& dst, const GenreCnn& src) {
  torch::NoGradGuard no_grad;
  auto src_params = src->named_parameters();
  for (auto& item : dst->named_parameters()) item.value().copy_(src_params[item.key()]);
  auto src_buffers = src->named_buffers();
  for (auto& item : dst->named_buffers()) item.value().copy_(src_buffers[item.key()]);
}

}  // namespace genrec
