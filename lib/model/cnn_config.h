#pragma once
// The architecture of the genre CNN: the [model] table of configs/*.toml, stored in every
// model file. Torch-free, so config parsing and `genrec info` need no LibTorch headers.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace genrec {

// Blocks of (conv kxk -> batch norm -> ReLU) x convs_per_block -> 2x2 max pool, then global
// pooling over frequency and time, dropout and one linear layer to the labels.
struct CnnConfig {
  std::vector<int> channels = {16, 32, 64, 128};  // output channels per block
  int convs_per_block = 1;
  int kernel_size = 3;
  double dropout = 0.3;  // before the linear head
  // "avg", "max" or "avgmax" (both, concatenated): over frequency and time. "time_avgmax": mean
  // and max over time only, keeping the frequency bins (where in the spectrum energy lies).
  std::string pooling = "avgmax";
  // "absolute": dB as the front end gives them (re 1.0). "window_max": each window's dB relative
  // to its own maximum, so the network cannot use a recording's loudness.
  std::string input_reference = "absolute";

  // Every field, plus "type": "cnn".
  nlohmann::json to_json() const;
  // Absent keys keep their defaults. Throws genrec::Error("config", "model", cause) for an
  // unknown key, a wrong type or an out-of-range value.
  static CnnConfig from_json(const nlohmann::json& j);
  // Size of the vector the pooling produces for n_mels input bands (the head's input).
  int pooled_features(int n_mels) const;
};

}  // namespace genrec
