#include "model/cnn_config.h"

#include <algorithm>

#include "audio/error.h"
#include "audio/mel.h"

namespace genrec {

nlohmann::json CnnConfig::to_json() const {
  nlohmann::json j{{"type", "cnn"},
                   {"channels", channels},
                   {"convs_per_block", convs_per_block},
                   {"kernel_size", kernel_size},
                   {"dropout", dropout},
                   {"pooling", pooling},
                   {"input_reference", input_reference},
                   {"max_input_hz", max_input_hz},
                   {"ensemble", ensemble}};
  // Only when used, so files of networks without residual units read in earlier releases.
  if (residual_convs > 0) j["residual_convs"] = residual_convs;
  return j;
}

CnnConfig CnnConfig::from_json(const nlohmann::json& j) {
  auto fail = [](const std::string& cause) { throw Error("config", "model", cause); };
  if (!j.is_object()) fail("the [model] table is not a table");
  CnnConfig c;
  for (const auto& [key, value] : j.items()) {
    if (key == "type") {
      if (!value.is_string() || value.get<std::string>() != "cnn")
        fail("type must be \"cnn\" (the only architecture genrec knows)");
    } else if (key == "channels") {
      if (!value.is_array() || value.empty()) fail("channels must be a non-empty array");
      c.channels.clear();
      for (const auto& v : value) {
        if (!v.is_number_integer() || v.get<int>() < 1 || v.get<int>() > 1024)
          fail("channels must hold integers in [1, 1024]");
        c.channels.push_back(v.get<int>());
      }
    } else if (key == "convs_per_block") {
      if (!value.is_number_integer() || value.get<int>() < 1 || value.get<int>() > 4)
        fail("convs_per_block must be an integer in [1, 4]");
      c.convs_per_block = value.get<int>();
    } else if (key == "residual_convs") {
      if (!value.is_number_integer() || value.get<int>() < 0 || value.get<int>() > 4)
        fail("residual_convs must be an integer in [0, 4]");
      c.residual_convs = value.get<int>();
    } else if (key == "kernel_size") {
      if (!value.is_number_integer() || value.get<int>() < 1 || value.get<int>() % 2 == 0 ||
          value.get<int>() > kMaxKernelSize)
        fail("kernel_size must be an odd integer in [1, " + std::to_string(kMaxKernelSize) + "]");
      c.kernel_size = value.get<int>();
    } else if (key == "dropout") {
      if (!value.is_number() || value.get<double>() < 0 || value.get<double>() >= 1)
        fail("dropout must be a number in [0, 1)");
      c.dropout = value.get<double>();
    } else if (key == "pooling") {
      if (!value.is_string()) fail("pooling must be a string");
      c.pooling = value.get<std::string>();
      if (c.pooling != "avg" && c.pooling != "max" && c.pooling != "avgmax" &&
          c.pooling != "time_avgmax")
        fail("pooling must be \"avg\", \"max\", \"avgmax\" or \"time_avgmax\"");
    } else if (key == "input_reference") {
      if (!value.is_string()) fail("input_reference must be a string");
      c.input_reference = value.get<std::string>();
      if (c.input_reference != "absolute" && c.input_reference != "window_max")
        fail("input_reference must be \"absolute\" or \"window_max\"");
    } else if (key == "ensemble") {
      if (!value.is_number_integer() || value.get<int>() < 1 || value.get<int>() > 16)
        fail("ensemble must be an integer in [1, 16]");
      c.ensemble = value.get<int>();
    } else if (key == "max_input_hz") {
      if (!value.is_number() || value.get<double>() < 0)
        fail("max_input_hz must be a number >= 0 (0: every band)");
      c.max_input_hz = value.get<double>();
    } else {
      fail("unknown key '" + key + "'");
    }
  }
  if (c.channels.size() > 7) fail("at most 7 blocks (each halves the input)");
  return c;
}

int CnnConfig::input_bands(const FeatureConfig& features) const {
  if (max_input_hz <= 0) return features.n_mels;
  const int n = mel_bands_below(features.n_mels, features.fmin, features.fmax_hz(), max_input_hz);
  if (n < 1)
    throw Error("config", "model",
                "max_input_hz " + std::to_string(max_input_hz) + " leaves no mel band");
  return n;
}

int CnnConfig::pooled_features(int bands) const {
  if (pooling == "time_avgmax") {
    int bins = bands;
    for (std::size_t i = 0; i < channels.size(); ++i) bins /= 2;  // each block's 2x2 max pool
    return 2 * channels.back() * std::max(1, bins);
  }
  return channels.back() * (pooling == "avgmax" ? 2 : 1);
}

}  // namespace genrec

namespace genrec {

std::vector<ConvLayerSpec> CnnConfig::conv_layers() const {
  std::vector<ConvLayerSpec> layers;
  int index = 0, in_channels = 1;
  for (int out_channels : channels) {
    for (int i = 0; i < convs_per_block; ++i) {
      ConvLayerSpec l;
      l.conv = "blocks." + std::to_string(index);
      l.norm = "blocks." + std::to_string(index + 1);
      l.in_channels = in_channels;
      l.out_channels = out_channels;
      l.pool_after = i + 1 == convs_per_block;
      layers.push_back(l);
      index += 3;  // conv, batch norm, ReLU
      in_channels = out_channels;
    }
    ++index;  // max pool
    if (residual_convs == 0) continue;
    const std::string unit = "blocks." + std::to_string(index) + ".branch.";
    for (int i = 0; i < residual_convs; ++i) {
      ConvLayerSpec l;
      l.conv = unit + std::to_string(3 * i);
      l.norm = unit + std::to_string(3 * i + 1);
      l.in_channels = l.out_channels = out_channels;
      l.residual_start = i == 0;
      l.residual_end = i + 1 == residual_convs;
      layers.push_back(l);
    }
    ++index;  // the residual unit
  }
  return layers;
}

std::vector<TensorSpec> CnnConfig::member_tensor_specs(const FeatureConfig& features,
                                                       int n_labels) const {
  const std::int64_t bands = input_bands(features);
  std::vector<TensorSpec> specs{{"norm_mean", {bands}, false}, {"norm_std", {bands}, false}};
  for (const ConvLayerSpec& l : conv_layers()) {
    const std::int64_t out = l.out_channels;
    specs.push_back({l.conv + ".weight", {out, l.in_channels, kernel_size, kernel_size}, true});
    specs.push_back({l.norm + ".weight", {out}, true});
    specs.push_back({l.norm + ".bias", {out}, true});
    specs.push_back({l.norm + ".running_mean", {out}, false});
    specs.push_back({l.norm + ".running_var", {out}, false});
  }
  specs.push_back({"head.weight", {n_labels, pooled_features(static_cast<int>(bands))}, true});
  specs.push_back({"head.bias", {n_labels}, true});
  return specs;
}

std::vector<TensorSpec> CnnConfig::tensor_specs(const FeatureConfig& features, int n_labels) const {
  const std::vector<TensorSpec> one = member_tensor_specs(features, n_labels);
  std::vector<TensorSpec> all;
  for (int m = 0; m < ensemble; ++m)
    for (TensorSpec spec : one) {
      spec.name = member_prefix(m) + spec.name;
      all.push_back(std::move(spec));
    }
  return all;
}

std::string CnnConfig::member_prefix(int member) const {
  return ensemble > 1 ? "members." + std::to_string(member) + "." : "";
}

}  // namespace genrec
