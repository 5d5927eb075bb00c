#pragma once
// The genre CNN as a LibTorch module (architecture from CnnConfig). Input: a batch of dB
// log-Mel segments [batch][n_mels][frames]; forward() first keeps the config's input bands,
// then applies the per-band normalisation (mean/std buffers, saved with the weights).
#include <torch/torch.h>

#include <functional>
#include <vector>

#include "model/cnn_config.h"

namespace genrec {

// A residual unit of the "blocks" Sequential: x -> ReLU(x + branch(x)), the branch being conv,
// batch norm[, ReLU, conv, batch norm ...]. GenreCnnImpl::forward runs the branch layer by
// layer (its batch norms may be synchronised across ranks); forward() is Sequential's entry.
class ResidualUnitImpl : public torch::nn::Module {
 public:
  ResidualUnitImpl() : branch(register_module("branch", torch::nn::Sequential())) {}
  torch::Tensor forward(const torch::Tensor& x) { return join(x, branch->forward(x)); }
  // The shortcut: ReLU(x + the branch's output).
  static torch::Tensor join(const torch::Tensor& x, const torch::Tensor& branch_out) {
    return torch::relu(x + branch_out);
  }
  torch::nn::Sequential branch;
};
TORCH_MODULE(ResidualUnit);

class GenreCnnImpl : public torch::nn::Module {
 public:
  GenreCnnImpl(const CnnConfig& config, const FeatureConfig& features, int n_labels);
  // [batch][n_mels][frames] dB -> [batch][n_labels] logits.
  torch::Tensor forward(const torch::Tensor& logmel);
  // Per-band statistics of the training inputs (n_mels each, of which the input bands are
  // kept; std > 0).
  void set_normalization(const std::vector<float>& mean, const std::vector<float>& std);
  std::int64_t n_parameters() const;
  // Data parallelism: in training mode, batch norm normalises with the statistics of the global
  // batch, made from per-rank sums by `cross_rank_sum` (differentiable, summed over ranks);
  // running statistics follow those global ones. Unset: each batch's own statistics.
  void sync_batch_norm(std::function<torch::Tensor(const torch::Tensor&)> cross_rank_sum);
  const CnnConfig& config() const { return config_; }

 private:
  torch::Tensor synced_batch_norm(const torch::Tensor& x, torch::nn::BatchNorm2dImpl& bn);
  // The layers of `layers` in order (batch norm synchronised across ranks when asked,
  // residual units with their shortcut).
  torch::Tensor run_layers(torch::nn::Sequential& layers, torch::Tensor x);

  CnnConfig config_;
  std::function<torch::Tensor(const torch::Tensor&)> cross_rank_sum_;
  int n_bands_ = 0;                     // input bands read (the lowest ones)
  torch::Tensor norm_mean_, norm_std_;  // [n_mels] buffers
  torch::nn::Sequential blocks_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(GenreCnn);

// Copies every parameter and buffer of src into dst (same architecture), without autograd.
void copy_weights(GenreCnn& dst, const GenreCnn& src);

}  // namespace genrec
