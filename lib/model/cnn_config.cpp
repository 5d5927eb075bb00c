#include "model/cnn_config.h"

#include <algorithm>

#include "audio/error.h"

namespace genrec {

nlohmann::json CnnConfig::to_json() const {
  return nlohmann::json{{"type", "cnn"},
                        {"channels", channels},
                        {"convs_per_block", convs_per_block},
                        {"kernel_size", kernel_size},
                        {"dropout", dropout},
                        {"pooling", pooling},
                        {"input_reference", input_reference}};
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
    } else if (key == "kernel_size") {
      if (!value.is_number_integer() || value.get<int>() < 1 || value.get<int>() % 2 == 0)
        fail("kernel_size must be an odd positive integer");
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
    } else {
      fail("unknown key '" + key + "'");
    }
  }
  if (c.channels.size() > 7) fail("at most 7 blocks (each halves the input)");
  return c;
}

int CnnConfig::pooled_features(int n_mels) const {
  if (pooling == "time_avgmax") {
    int bins = n_mels;
    for (std::size_t i = 0; i < channels.size(); ++i) bins /= 2;  // each block's 2x2 max pool
    return 2 * channels.back() * std::max(1, bins);
  }
  return channels.back() * (pooling == "avgmax" ? 2 : 1);
}

}  // namespace genrec
