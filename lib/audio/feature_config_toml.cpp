#include "audio/feature_config_toml.h"

#include <toml++/toml.h>

#include "audio/config_file.h"
#include "audio/error.h"

namespace genrec {
namespace {

// Integer fields take TOML integers; real fields take floats or integers.
void read_int(const toml::node& node, const std::string& key, const std::string& name, int& out) {
  const auto v = node.value_exact<std::int64_t>();
  if (!v) throw Error("config", name, "features." + key + " must be an integer");
  if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max())
    throw Error("config", name, "features." + key + " is out of range");
  out = static_cast<int>(*v);
}

void read_real(const toml::node& node, const std::string& key, const std::string& name,
               double& out) {
  if (const auto d = node.value_exact<double>())
    out = *d;
  else if (const auto i = node.value_exact<std::int64_t>())
    out = static_cast<double>(*i);
  else
    throw Error("config", name, "features." + key + " must be a number");
}

}  // namespace

FeatureConfig feature_config_of(const toml::table& root, const std::string& name) {
  FeatureConfig c;
  const toml::node* features = root.get("features");
  if (!features) return c;
  const toml::table* table = features->as_table();
  if (!table) throw Error("config", name, "[features] must be a table");
  for (const auto& [k, node] : *table) {
    const std::string key(k.str());
    if (key == "sample_rate")
      read_int(node, key, name, c.sample_rate);
    else if (key == "segment_seconds")
      read_real(node, key, name, c.segment_seconds);
    else if (key == "train_hop_seconds")
      read_real(node, key, name, c.train_hop_seconds);
    else if (key == "n_fft")
      read_int(node, key, name, c.n_fft);
    else if (key == "hop_length")
      read_int(node, key, name, c.hop_length);
    else if (key == "n_mels")
      read_int(node, key, name, c.n_mels);
    else if (key == "fmin")
      read_real(node, key, name, c.fmin);
    else if (key == "fmax")
      read_real(node, key, name, c.fmax);
    else if (key == "top_db")
      read_real(node, key, name, c.top_db);
    else if (key == "amin")
      read_real(node, key, name, c.amin);
    else if (key == "pad") {
      const auto v = node.value_exact<std::string>();
      if (!v) throw Error("config", name, "features.pad must be a string");
      c.pad = *v;
    } else
      throw Error("config", name, "unknown key features." + key);
  }
  try {
    c.validate();
  } catch (const Error& e) {
    throw Error("config", name, e.what());
  }
  return c;
}

FeatureConfig parse_feature_config(const std::string& toml_text, const std::string& name) {
  return feature_config_of(parse_config_text(toml_text, name), name);
}

FeatureConfig load_feature_config(const std::string& toml_path) {
  return feature_config_of(read_config_file(toml_path), toml_path);
}

}  // namespace genrec
