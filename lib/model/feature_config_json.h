#pragma once
// FeatureConfig <-> JSON, for the model file and `genrec info` (field names as in the struct
// and in the [features] table of configs/*.toml).
#include <nlohmann/json.hpp>

#include "audio/feature_config.h"

namespace genrec {

// Every field, by name.
nlohmann::json feature_config_to_json(const FeatureConfig& config);
// Absent keys keep their defaults. Throws genrec::Error("model", "features", cause) for an
// unknown key, a value of the wrong type, or a config that fails validate().
FeatureConfig feature_config_from_json(const nlohmann::json& j);

}  // namespace genrec
