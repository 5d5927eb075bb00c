#include "train/cnn.h"

#include "audio/error.h"
#include "train/max_pool.h"

namespace genrec {

GenreCnnImpl::GenreCnnImpl(const CnnConfig& config, const FeatureConfig& features, int n_labels)
    : config_(config), n_bands_(config.input_bands(features)) {
  namespace nn = torch::nn;
  norm_mean_ = register_buffer("norm_mean", torch::zeros({n_bands_}));
  norm_std_ = register_buffer("norm_std", torch::ones({n_bands_}));
  nn::Sequential blocks;
  ResidualUnit unit{nullptr};
  // The order CnnConfig::conv_layers() names: conv, batch norm, ReLU, a pool after a block, and
  // the block's residual unit with its convolutions in a branch (no ReLU after the last one:
  // it follows the shortcut's sum).
  for (const ConvLayerSpec& l : config.conv_layers()) {
    if (l.residual_start) unit = ResidualUnit();
    nn::Sequential& into = unit ? unit->branch : blocks;
    // No conv bias: the batch norm that follows has its own shift.
    into->push_back(nn::Conv2d(nn::Conv2dOptions(l.in_channels, l.out_channels, config.kernel_size)
                                   .padding(config.kernel_size / 2)
                                   .bias(false)));
    into->push_back(nn::BatchNorm2d(nn::BatchNorm2dOptions(l.out_channels).eps(kBatchNormEps)));
    if (l.residual_end) {
      blocks->push_back(unit);
      unit = nullptr;
      continue;
    }
    into->push_back(nn::ReLU(nn::ReLUOptions(/*inplace=*/true)));
    if (l.pool_after) blocks->push_back(MaxPool2x2());  // = nn::MaxPool2d(2), faster on CPU
  }
  blocks_ = register_module("blocks", blocks);
  dropout_ = register_module("dropout", nn::Dropout(config.dropout));
  head_ = register_module("head", nn::Linear(config.pooled_features(n_bands_), n_labels));
}

torch::Tensor GenreCnnImpl::forward(const torch::Tensor& logmel) {
  auto x = logmel.size(1) == n_bands_ ? logmel : logmel.narrow(/*dim=*/1, /*start=*/0, n_bands_);
  if (config_.input_reference == "window_max") x = x - x.amax(/*dim=*/{1, 2}, /*keepdim=*/true);
  x = (x - norm_mean_.view({1, -1, 1})) / norm_std_.view({1, -1, 1});
  x = x.unsqueeze(1);
  x = run_layers(blocks_, x);  // [B][C][F'][T']
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

torch::Tensor GenreCnnImpl::run_layers(torch::nn::Sequential& layers, torch::Tensor x) {
  for (auto& layer : *layers) {
    if (auto unit = std::dynamic_pointer_cast<ResidualUnitImpl>(layer.ptr())) {
      x = ResidualUnitImpl::join(x, run_layers(unit->branch, x));
    } else if (auto bn = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(layer.ptr());
               bn && cross_rank_sum_ && is_training()) {
      x = synced_batch_norm(x, *bn);
    } else {
      x = layer.forward<torch::Tensor>(x);
    }
  }
  return x;
}

void GenreCnnImpl::sync_batch_norm(
    std::function<torch::Tensor(const torch::Tensor&)> cross_rank_sum) {
  cross_rank_sum_ = std::move(cross_rank_sum);
}

// ref: torch.nn.SyncBatchNorm: mean and biased variance over every rank's batch (two passes,
// as BatchNorm2d computes them), running variance updated with the unbiased one.
torch::Tensor GenreCnnImpl::synced_batch_norm(const torch::Tensor& x,
                                              torch::nn::BatchNorm2dImpl& bn) {
  const std::int64_t channels = x.size(1);
  const auto local_count = static_cast<double>(x.numel() / channels);
  const torch::Tensor count = cross_rank_sum_(torch::full({1}, local_count)).detach();
  const torch::Tensor mean = cross_rank_sum_(x.sum({0, 2, 3})) / count;
  const torch::Tensor centred = x - mean.view({1, -1, 1, 1});
  const torch::Tensor var = cross_rank_sum_(centred.square().sum({0, 2, 3})) / count;
  {
    torch::NoGradGuard no_grad;
    const double momentum = bn.options.momentum().value_or(0.1);
    const double n = count.item<double>();
    bn.running_mean.mul_(1 - momentum).add_(mean.detach(), momentum);
    bn.running_var.mul_(1 - momentum).add_(var.detach() * (n / std::max(1.0, n - 1)), momentum);
    bn.num_batches_tracked.add_(1);
  }
  const torch::Tensor scale = bn.weight / torch::sqrt(var + bn.options.eps());
  return centred * scale.view({1, -1, 1, 1}) + bn.bias.view({1, -1, 1, 1});
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
