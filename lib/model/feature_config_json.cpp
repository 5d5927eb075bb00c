#include "model/feature_config_json.h"

#include "audio/error.h"

namespace genrec {

nlohmann::json feature_config_to_json(const FeatureConfig& c) {
  return nlohmann::json{{"sample_rate", c.sample_rate},
                        {"segment_seconds", c.segment_seconds},
                        {"train_hop_seconds", c.train_hop_seconds},
                        {"n_fft", c.n_fft},
                        {"hop_length", c.hop_length},
                        {"n_mels", c.n_mels},
                        {"fmin", c.fmin},
                        {"fmax", c.fmax},
                        {"top_db", c.top_db},
                        {"amin", c.amin},
                        {"pad", c.pad}};
}

FeatureConfig feature_config_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("model", "features", "not a JSON object");
  FeatureConfig c;
  for (const auto& item : j.items()) {
    // Named copies, not structured bindings: C++17 lambdas cannot capture those (clang refuses).
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    auto as_int = [&](int& field) {
      if (!value.is_number_integer()) throw Error("model", "features", key + " must be an integer");
      field = value.get<int>();
    };
    auto as_double = [&](double& field) {
      if (!value.is_number()) throw Error("model", "features", key + " must be a number");
      field = value.get<double>();
    };
    if (key == "sample_rate")
      as_int(c.sample_rate);
    else if (key == "segment_seconds")
      as_double(c.segment_seconds);
    else if (key == "train_hop_seconds")
      as_double(c.train_hop_seconds);
    else if (key == "n_fft")
      as_int(c.n_fft);
    else if (key == "hop_length")
      as_int(c.hop_length);
    else if (key == "n_mels")
      as_int(c.n_mels);
    else if (key == "fmin")
      as_double(c.fmin);
    else if (key == "fmax")
      as_double(c.fmax);
    else if (key == "top_db")
      as_double(c.top_db);
    else if (key == "amin")
      as_double(c.amin);
    else if (key == "pad") {
      if (!value.is_string()) throw Error("model", "features", "pad must be a string");
      c.pad = value.get<std::string>();
    } else
      throw Error("model", "features", "unknown key '" + key + "'");
  }
  c.validate();
  return c;
}

}  // namespace genrec
