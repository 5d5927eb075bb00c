#pragma once
// The architecture of the genre CNN: the [model] table of configs/*.toml, stored in every
// model file. Torch-free, so config parsing and `genrec info` need no LibTorch headers.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audio/feature_config.h"
#include "model/named_tensor.h"

namespace genrec {

// Batch norm's epsilon (LibTorch's default), used in training and when folding it for inference.
inline constexpr double kBatchNormEps = 1e-5;
// The largest convolution kernel a model file may ask for (the default is 3).
inline constexpr int kMaxKernelSize = 31;

// One convolution of the network: its tensors' name prefixes (LibTorch's module paths, which
// the model file keeps) and sizes.
struct ConvLayerSpec {
  std::string conv;  // "blocks.0": weight [out][in][k][k], no bias
  std::string norm;  // "blocks.1": batch norm weight, bias, running_mean, running_var [out]
  int in_channels = 0;
  int out_channels = 0;
  bool pool_after = false;  // the last convolution of a block: 2x2 max pool follows
  // A residual unit's convolutions: the first keeps its input for the skip connection; the
  // last adds that input after its batch norm and before its ReLU (identity shortcut).
  bool residual_start = false;
  bool residual_end = false;
};

// Blocks of (conv kxk -> batch norm -> ReLU) x convs_per_block -> 2x2 max pool [-> residual
// unit], then global pooling over frequency and time, dropout and one linear layer to the labels.
struct CnnConfig {
  std::vector<int> channels = {16, 32, 64, 128};  // output channels per block
  int convs_per_block = 1;
  // Convolutions of a residual unit after each block's pool (0: none): x -> ReLU(x + f(x)),
  // f = (conv kxk -> batch norm) with a ReLU between convolutions; the pooled resolution and
  // the block's channels, so the shortcut is the identity (cf. the residual blocks of Won et
  // al.'s short-chunk CNN, which stride instead of pool and project the shortcut).
  int residual_convs = 0;
  int kernel_size = 3;
  double dropout = 0.3;  // before the linear head
  // "avg", "max" or "avgmax" (both, concatenated): over frequency and time. "time_avgmax": mean
  // and max over time only, keeping the frequency bins (where in the spectrum energy lies).
  std::string pooling = "avgmax";
  // "absolute": dB as the front end gives them (re 1.0). "window_max": each window's dB relative
  // to its own maximum, so the network cannot use a recording's loudness.
  std::string input_reference = "absolute";
  // The network reads only the mel bands that end at or below this frequency (0: all bands).
  // 7500 Hz keeps a 16 kHz source (nothing above 8 kHz) and its original apart by rounding only.
  double max_input_hz = 0.0;
  // Members: independently trained copies of the network (seeds seed, seed + 1, ...) whose
  // segment probabilities are averaged; more members, steadier predictions from small data.
  int ensemble = 1;

  // Every field (residual_convs only when > 0), plus "type": "cnn".
  nlohmann::json to_json() const;
  // Absent keys keep their defaults. Throws genrec::Error("config", "model", cause) for an
  // unknown key, a wrong type or an out-of-range value.
  static CnnConfig from_json(const nlohmann::json& j);
  // The number of lowest mel bands the network reads (all n_mels when max_input_hz is 0).
  // Throws genrec::Error("config", "model", ...) when max_input_hz leaves no band.
  int input_bands(const FeatureConfig& features) const;
  // Size of the vector the pooling produces for `bands` input bands (the head's input).
  int pooled_features(int bands) const;
  // The convolutions in order (the layout of LibTorch's "blocks" Sequential: conv, batch norm,
  // ReLU per convolution, a max pool after each block, then the block's residual unit as one
  // item whose "branch" Sequential holds conv, batch norm[, ReLU, conv, batch norm ...]).
  std::vector<ConvLayerSpec> conv_layers() const;
  // Every tensor one network holds: "norm_mean" and "norm_std" [input bands], each
  // convolution's and batch norm's, "head.weight" [n_labels][pooled] and "head.bias".
  std::vector<TensorSpec> member_tensor_specs(const FeatureConfig& features, int n_labels) const;
  // Every tensor of the model: member_tensor_specs, with each name behind member_prefix(m).
  std::vector<TensorSpec> tensor_specs(const FeatureConfig& features, int n_labels) const;
  // "" for a single network, "members.M." with an ensemble.
  std::string member_prefix(int member) const;
};

}  // namespace genrec
