#include "train/cnn.h"

#include "audio/error.h"

namespace genrec {

GenreCnnImpl::GenreCnnImpl(const CnnConfig& config, const FeatureConfig& features, int n_labels)
    : config_(config), n_bands_(config.input_bands(features)) {
  namespace nn = torch::nn;
  norm_mean_ = register_buffer("norm_mean", torch::zeros({n_bands_}));
  norm_std_ = register_buffer("norm_std", torch::ones({n_bands_}));
  nn::Sequential blocks;
  // The order CnnConfig::conv_layers() names: conv, batch norm, ReLU, and a pool after a block.
  for (const ConvLayerSpec& l : config.conv_layers()) {
    // No conv bias: the batch norm that follows has its own shift.
    blocks->push_back(
        nn::Conv2d(nn::Conv2dOptions(l.in_channels, l.out_channels, config.kernel_size)
                       .padding(config.kernel_size / 2)
                       .bias(false)));
    blocks->push_back(nn::BatchNorm2d(nn::BatchNorm2dOptions(l.out_channels).eps(kBatchNormEps)));
    blocks->push_back(nn::ReLU(nn::ReLUOptions(/*inplace=*/true)));
    if (l.pool_after) blocks->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(/*kernel_size=*/2)));
  }
  blocks_ = register_module("blocks", blocks);
  dropout_ = register_module("dropout", nn::Dropout(config.dropout));
  head_ = register_module("head", nn::Linear(config.pooled_features(n_bands_), n_labels));
}

torch::Tensor GenreCnnImpl::forward(const torch::Tensor& logmel) {
  auto x = logmel.size(1) == n_bands_ ? logmel : logmel.narrow(/*dim=*/1, /*start=*/0, n_bands_);
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
  if (mean.size() < static_cast<std::size_t>(n_bands_) || std.size() != mean.size())
    throw Error("model", "normalization", "statistics do not cover the input bands");
  torch::NoGradGuard no_grad;
  norm_mean_.copy_(torch::tensor(mean).narrow(0, 0, n_bands_));
  norm_std_.copy_(torch::tensor(std).narrow(0, 0, n_bands_).clamp_min(1e-3));
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
