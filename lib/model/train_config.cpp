#include "model/train_config.h"

#include <toml++/toml.h>

#include <sstream>

#include "audio/config_file.h"
#include "audio/error.h"
#include "audio/feature_config_toml.h"
#include "model/feature_config_json.h"

namespace genrec {
namespace {

// Reads one typed key of a JSON object into `field` when present.
template <typename T>
void read_key(const nlohmann::json& j, const char* key, T& field, std::size_t& used) {
  if (!j.contains(key)) return;
  const auto& v = j.at(key);
  if constexpr (std::is_integral_v<T>) {
    if (!v.is_number_integer())
      throw Error("config", "train", std::string(key) + " must be an integer");
  } else {
    if (!v.is_number()) throw Error("config", "train", std::string(key) + " must be a number");
  }
  field = v.get<T>();
  ++used;
}

}  // namespace

nlohmann::json TrainOptions::to_json() const {
  return nlohmann::json{{"epochs", epochs},
                        {"batch_size", batch_size},
                        {"lr", lr},
                        {"weight_decay", weight_decay},
                        {"warmup_epochs", warmup_epochs},
                        {"min_lr_ratio", min_lr_ratio},
                        {"label_smoothing", label_smoothing},
                        {"crops_per_song", crops_per_song},
                        {"crops_per_segment", crops_per_segment},
                        {"freq_masks", augment.freq_masks},
                        {"freq_mask_max", augment.freq_mask_max},
                        {"time_masks", augment.time_masks},
                        {"time_mask_max", augment.time_mask_max},
                        {"gain_db", augment.gain_db},
                        {"lowpass_prob", augment.lowpass_prob},
                        {"lowpass_min_band", augment.lowpass_min_band},
                        {"lowpass_slope_bands", augment.lowpass_slope_bands},
                        {"freq_shift_max", augment.freq_shift_max},
                        {"eq_tilt_db", augment.eq_tilt_db},
                        {"eq_bump_db", augment.eq_bump_db},
                        {"noise_prob", augment.noise_prob},
                        {"noise_min_db", augment.noise_min_db},
                        {"quiet_jitter_db", augment.quiet_jitter_db},
                        {"resample_prob", resample_prob},
                        {"resample_rates", resample_rates},
                        {"mixup_alpha", mixup_alpha},
                        {"consistency_weight", consistency_weight},
                        {"lowpass_teacher_weight", lowpass_teacher_weight},
                        {"ema_decay", ema_decay},
                        {"patience", patience},
                        {"eval_batch_size", eval_batch_size}};
}

TrainOptions TrainOptions::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("config", "train", "the [train] table is not a table");
  TrainOptions t;
  std::size_t used = 0;
  read_key(j, "epochs", t.epochs, used);
  read_key(j, "batch_size", t.batch_size, used);
  read_key(j, "lr", t.lr, used);
  read_key(j, "weight_decay", t.weight_decay, used);
  read_key(j, "warmup_epochs", t.warmup_epochs, used);
  read_key(j, "min_lr_ratio", t.min_lr_ratio, used);
  read_key(j, "label_smoothing", t.label_smoothing, used);
  read_key(j, "crops_per_song", t.crops_per_song, used);
  read_key(j, "crops_per_segment", t.crops_per_segment, used);
  read_key(j, "freq_masks", t.augment.freq_masks, used);
  read_key(j, "freq_mask_max", t.augment.freq_mask_max, used);
  read_key(j, "time_masks", t.augment.time_masks, used);
  read_key(j, "time_mask_max", t.augment.time_mask_max, used);
  read_key(j, "gain_db", t.augment.gain_db, used);
  read_key(j, "lowpass_prob", t.augment.lowpass_prob, used);
  read_key(j, "lowpass_min_band", t.augment.lowpass_min_band, used);
  read_key(j, "lowpass_slope_bands", t.augment.lowpass_slope_bands, used);
  read_key(j, "freq_shift_max", t.augment.freq_shift_max, used);
  read_key(j, "eq_tilt_db", t.augment.eq_tilt_db, used);
  read_key(j, "eq_bump_db", t.augment.eq_bump_db, used);
  read_key(j, "noise_prob", t.augment.noise_prob, used);
  read_key(j, "noise_min_db", t.augment.noise_min_db, used);
  read_key(j, "quiet_jitter_db", t.augment.quiet_jitter_db, used);
  read_key(j, "resample_prob", t.resample_prob, used);
  if (j.contains("resample_rates")) {
    const auto& v = j.at("resample_rates");
    if (!v.is_array()) throw Error("config", "train", "resample_rates must be a list of integers");
    for (const auto& r : v) {
      if (!r.is_number_integer())
        throw Error("config", "train", "resample_rates must be a list of integers");
      t.resample_rates.push_back(r.get<int>());
    }
    ++used;
  }
  read_key(j, "mixup_alpha", t.mixup_alpha, used);
  read_key(j, "consistency_weight", t.consistency_weight, used);
  read_key(j, "lowpass_teacher_weight", t.lowpass_teacher_weight, used);
  read_key(j, "ema_decay", t.ema_decay, used);
  read_key(j, "patience", t.patience, used);
  read_key(j, "eval_batch_size", t.eval_batch_size, used);
  if (used != j.size()) {
    const nlohmann::json known = t.to_json();
    for (const auto& item : j.items())
      if (!known.contains(item.key()))
        throw Error("config", "train", "unknown key '" + item.key() + "'");
  }
  auto fail = [](const std::string& cause) { throw Error("config", "train", cause); };
  if (t.epochs < 1) fail("epochs must be >= 1");
  if (t.batch_size < 2) fail("batch_size must be >= 2");
  if (!(t.lr > 0)) fail("lr must be > 0");
  if (t.weight_decay < 0) fail("weight_decay must be >= 0");
  if (t.warmup_epochs < 0) fail("warmup_epochs must be >= 0");
  if (t.min_lr_ratio < 0 || t.min_lr_ratio > 1) fail("min_lr_ratio must be in [0, 1]");
  if (t.label_smoothing < 0 || t.label_smoothing >= 1) fail("label_smoothing must be in [0, 1)");
  if (t.crops_per_song < 1) fail("crops_per_song must be >= 1");
  if (t.crops_per_segment < 0) fail("crops_per_segment must be >= 0");
  if (t.augment.freq_masks < 0 || t.augment.time_masks < 0 || t.augment.freq_mask_max < 0 ||
      t.augment.time_mask_max < 0 || t.augment.gain_db < 0)
    fail("mask counts, mask widths and gain_db must be >= 0");
  if (t.augment.lowpass_prob < 0 || t.augment.lowpass_prob > 1)
    fail("lowpass_prob must be in [0, 1]");
  if (t.augment.lowpass_min_band < 0) fail("lowpass_min_band must be >= 0");
  if (t.augment.lowpass_slope_bands < 0) fail("lowpass_slope_bands must be >= 0");
  if (t.augment.freq_shift_max < 0) fail("freq_shift_max must be >= 0");
  if (t.augment.eq_tilt_db < 0 || t.augment.eq_bump_db < 0)
    fail("eq_tilt_db and eq_bump_db must be >= 0");
  if (t.augment.noise_prob < 0 || t.augment.noise_prob > 1) fail("noise_prob must be in [0, 1]");
  if (t.augment.noise_min_db < 0) fail("noise_min_db must be >= 0");
  if (t.augment.quiet_jitter_db < 0) fail("quiet_jitter_db must be >= 0");
  if (t.resample_prob < 0 || t.resample_prob > 1) fail("resample_prob must be in [0, 1]");
  for (int r : t.resample_rates)
    if (r < 1000) fail("resample_rates must be >= 1000 Hz each");
  if (t.resample_prob > 0 && t.resample_rates.empty())
    fail("resample_prob > 0 needs resample_rates");
  if (t.mixup_alpha < 0) fail("mixup_alpha must be >= 0");
  if (t.consistency_weight < 0) fail("consistency_weight must be >= 0");
  if (t.consistency_weight > 0 && t.mixup_alpha > 0)
    fail("consistency_weight and mixup_alpha cannot both be > 0");
  if (t.lowpass_teacher_weight < 0) fail("lowpass_teacher_weight must be >= 0");
  if (t.lowpass_teacher_weight > 0 && (t.mixup_alpha > 0 || t.consistency_weight > 0))
    fail("lowpass_teacher_weight cannot be > 0 with mixup_alpha or consistency_weight");
  if (t.ema_decay < 0 || t.ema_decay >= 1) fail("ema_decay must be in [0, 1)");
  if (t.patience < 0) fail("patience must be >= 0");
  if (t.eval_batch_size < 1) fail("eval_batch_size must be >= 1");
  return t;
}

nlohmann::json RunConfig::to_json() const {
  return nlohmann::json{{"features", feature_config_to_json(features)},
                        {"model", model.to_json()},
                        {"train", train.to_json()}};
}

RunConfig load_run_config(const std::string& toml_path) {
  RunConfig config;
  config.source = toml_path;
  const toml::table root = read_config_file(toml_path);  // the file and its bases, read once
  config.features = feature_config_of(root, toml_path);  // throws with the path on bad input
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (k != "features" && k != "model" && k != "train")
      throw Error("config", toml_path,
                  "unknown table [" + k + "] (expected features, model, train)");
    if (!node.is_table()) throw Error("config", toml_path, "'" + k + "' must be a table");
  }
  // toml++ writes a table as JSON; nlohmann reads it back, so one validator serves both.
  auto as_json = [](const toml::table& t) {
    std::ostringstream os;
    os << toml::json_formatter{t};
    return nlohmann::json::parse(os.str());
  };
  try {
    if (const toml::table* m = root.get_as<toml::table>("model"))
      config.model = CnnConfig::from_json(as_json(*m));
    if (const toml::table* t = root.get_as<toml::table>("train"))
      config.train = TrainOptions::from_json(as_json(*t));
    for (int rate : config.train.resample_rates)
      if (rate >= config.features.sample_rate)
        throw Error("config", "train",
                    "resample_rates must be below the features' sample_rate (" +
                        std::to_string(config.features.sample_rate) + " Hz)");
  } catch (const Error& e) {
    throw Error("config", toml_path, e.what());
  }
  return config;
}

LoaderOptions loader_options(const TrainOptions& options, double top_db, std::vector<float> fill) {
  LoaderOptions lo;
  lo.top_db = top_db;
  lo.batch_size = options.batch_size;
  lo.crops_per_song = options.crops_per_song;
  lo.crops_per_segment = options.crops_per_segment;
  lo.augment = options.augment;
  lo.fill = std::move(fill);
  lo.mixup_alpha = options.mixup_alpha;
  lo.resample_prob = options.resample_prob;  // the copies come from TrainingData::resampled
  lo.paired_views = options.consistency_weight > 0;
  lo.lowpass_teacher_views = options.lowpass_teacher_weight > 0;
  return lo;
}

}  // namespace genrec
