#pragma once
// Reads the [features] table of a TOML config (configs/*.toml) into a FeatureConfig.
// The only file that reads [features]; config files are read by audio/config_file.h (which
// follows a config's `base`).
#include <toml++/toml.h>

#include <string>

#include "audio/feature_config.h"

namespace genrec {

// Keys are FeatureConfig's field names (sample_rate, segment_seconds, train_hop_seconds, n_fft,
// hop_length, n_mels, fmin, fmax, top_db, amin); absent keys keep their defaults, other tables
// are ignored; a `base` config is laid under the file (audio/config_file.h). Throws
// genrec::Error("config", path, cause) for a parse error, an unknown key
// (named), a value of the wrong type, or a value that fails FeatureConfig::validate().
FeatureConfig load_feature_config(const std::string& toml_path);
// The same for a config already read (audio/config_file.h); `name` is used in error messages.
FeatureConfig feature_config_of(const toml::table& root, const std::string& name);
// The same for TOML text; `name` is used in error messages.
FeatureConfig parse_feature_config(const std::string& toml_text, const std::string& name);

}  // namespace genrec
