#pragma once
// The genre CNN's forward pass for inference, without LibTorch: the same function as
// lib/train/cnn.h's module in eval mode (batch norm folded into the convolutions, dropout off),
// built from the tensors of a model file. predict, eval and serve run it, so they start
// without loading LibTorch's ~300 shared libraries.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "audio/feature_config.h"
#include "model/cnn_config.h"
#include "model/conv2d.h"
#include "model/named_tensor.h"

namespace genrec {

class CnnInference {
 public:
  // tensors: exactly config.tensor_specs(features, n_labels). Throws genrec::Error("model",
  // "weights", cause) for a missing, extra or misshapen tensor.
  CnnInference(const CnnConfig& config, const FeatureConfig& features, int n_labels,
               const TensorList& tensors);

  // logmel: `batch` contiguous [n_mels][frames_per_segment] dB matrices; returns
  // [batch][n_labels] logits; of an ensemble, log of the members' mean softmax probabilities.
  // Segments are spread over `threads` threads. Thread-safe.
  std::vector<float> logits(const float* logmel, std::size_t batch, int threads = 1) const;
  // Learned values (convolutions, batch-norm scales and shifts, head) of every member, as
  // LibTorch counts them.
  std::int64_t n_parameters() const { return n_parameters_; }

 private:
  struct Workspace;
  // One network: its normalisation, convolutions (batch norm folded in) and head.
  struct Member {
    std::vector<float> norm_mean, norm_std;  // [n_bands]
    std::vector<Conv2d> convs;
    std::vector<float> head_weight, head_bias;  // [n_labels][pooled], [n_labels]
  };
  void forward_member(const Member& net, const float* logmel, float* logits, Workspace& ws) const;
  void forward_one(const float* logmel, float* logits, Workspace& ws) const;

  CnnConfig config_;
  int n_mels_, n_frames_, n_bands_, n_labels_;
  std::vector<ConvLayerSpec> layers_;  // CnnConfig::conv_layers(), the same in every member
  std::vector<Member> members_;
  std::int64_t n_parameters_ = 0;
};

}  // namespace genrec
