// The configuration parsers on hostile text: the [features] TOML table, and the JSON of a
// model header's "features", "arch" and "training" objects (the first byte picks which).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "audio/error.h"
#include "audio/feature_config_toml.h"
#include "model/cnn_config.h"
#include "model/feature_config_json.h"
#include "model/seen_songs.h"
#include "model/train_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 5) {
      case 0:
        (void)genrec::parse_feature_config(text, "fuzz.toml");
        break;
      case 1:
        (void)genrec::feature_config_from_json(nlohmann::json::parse(text));
        break;
      case 2: {
        const genrec::CnnConfig c = genrec::CnnConfig::from_json(nlohmann::json::parse(text));
        (void)c.tensor_specs(genrec::FeatureConfig{}, 10);
        break;
      }
      case 3:
        (void)genrec::TrainOptions::from_json(nlohmann::json::parse(text));
        break;
      default:
        (void)genrec::read_seen_songs(nlohmann::json::parse(text));
        break;
    }
  } catch (const genrec::Error&) {
  } catch (const nlohmann::json::exception&) {
  }
  return 0;
}
