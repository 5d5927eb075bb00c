#include "model/genre_model.h"

#include <algorithm>
#include <cmath>

#include "audio/error.h"
#include "genrec_version.h"
#include "model/cnn_config.h"
#include "model/cnn_inference.h"
#include "model/feature_config_json.h"
#include "model/model_file.h"
#include "model/softmax.h"

namespace genrec {
namespace {

nlohmann::json header_fields(const ModelInfo& info) {
  return nlohmann::json{{"name", info.name},
                        {"labels", info.labels},
                        {"features", feature_config_to_json(info.features)},
                        {"arch", info.arch},
                        {"training", info.training}};
}

nlohmann::json header_of(const ModelInfo& info) {
  nlohmann::json h = header_fields(info);
  if (!info.calibration.is_null()) h["calibration"] = info.calibration;
  return h;
}

ModelInfo info_from_header(const nlohmann::json& h, int format_version) {
  ModelInfo info;
  info.format_version = format_version;
  info.name = h.value("name", std::string());
  info.labels = h.at("labels").get<std::vector<std::string>>();
  if (info.labels.empty()) throw Error("model", "labels", "no labels");
  info.features = feature_config_from_json(h.at("features"));
  info.arch = h.at("arch");
  // Files written before ensembles existed hold one network, whatever today's default is.
  if (info.arch.is_object() && !info.arch.contains("ensemble")) info.arch["ensemble"] = 1;
  info.training = h.value("training", nlohmann::json::object());
  info.calibration = h.value("calibration", nlohmann::json());
  return info;
}

}  // namespace

GenreModel::GenreModel(ModelInfo info, TensorList tensors)
    : info_(std::move(info)), tensors_(std::move(tensors)) {
  info_.features.validate();
  // A NaN or infinite weight makes every answer NaN: refuse the model, not each prediction.
  for (const NamedTensor& t : tensors_)
    for (float v : t.values)
      if (!std::isfinite(v))
        throw Error("model", t.name, "holds a non-finite weight (NaN or infinity)");
  net_ = std::make_shared<const CnnInference>(CnnConfig::from_json(info_.arch), info_.features,
                                              static_cast<int>(info_.labels.size()), tensors_);
  if (info_.format_version == 0) info_.format_version = kModelFormatVersion;
  set_calibration(info_.calibration);
}

void GenreModel::set_calibration(nlohmann::json calibration) {
  double t = 1.0, below = 0.0, t_song = 1.0;
  if (!calibration.is_null()) {
    if (!calibration.is_object()) throw Error("model", "calibration", "is not an object");
    t = calibration.at("temperature").get<double>();
    t_song = calibration.value("song_temperature", 1.0);
    below = calibration.at("uncertain_below").get<double>();
    if (!std::isfinite(t) || t <= 0 || !std::isfinite(t_song) || t_song <= 0)
      throw Error("model", "calibration", "temperature must be a positive number");
    if (!(below >= 0 && below <= 1))
      throw Error("model", "calibration", "uncertain_below must be in [0, 1]");
  }
  info_.calibration = std::move(calibration);
  temperature_ = t;
  uncertain_below_ = below;
  song_temperature_ = t_song;
}

GenreModel GenreModel::load(const std::string& path) {
  return from_bytes(read_model_bytes(path), path);
}

GenreModel GenreModel::from_bytes(const std::string& bytes, const std::string& path) {
  ModelFileContents contents = parse_model_file(bytes, path);
  try {
    GenreModel model(info_from_header(contents.header, contents.format_version),
                     std::move(contents.tensors));
    model.source_path_ = path;
    return model;
  } catch (const Error& e) {
    throw Error("model", path, std::string("invalid model: ") + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw Error("model", path, std::string("invalid header: ") + e.what());
  }
}

void GenreModel::save(const std::string& path) const {
  write_model_file(path, header_of(info_), tensors_);
}

const ModelInfo& GenreModel::info() const { return info_; }

std::size_t GenreModel::n_labels() const { return info_.labels.size(); }

void GenreModel::set_training(nlohmann::json training) { info_.training = std::move(training); }

std::vector<float> GenreModel::logits(const float* logmel, std::size_t batch, int threads) const {
  return net_->logits(logmel, batch, threads);
}

std::vector<float> GenreModel::probabilities(const float* logmel, std::size_t batch,
                                             int threads) const {
  std::vector<float> p = logits(logmel, batch, threads);
  const std::size_t k = n_labels();
  const float inv = static_cast<float>(1.0 / temperature_);
  if (temperature_ != 1.0)
    for (float& v : p) v *= inv;
  for (std::size_t b = 0; b < batch; ++b) softmax_in_place(p.data() + b * k, k);
  return p;
}

nlohmann::json GenreModel::describe() const {
  nlohmann::json j = header_of(info_);
  j["format_version"] = info_.format_version;
  j["n_parameters"] = net_->n_parameters();
  j["input"] = {{"n_mels", info_.features.n_mels},
                {"bands_read", CnnConfig::from_json(info_.arch).input_bands(info_.features)},
                {"frames", info_.features.frames_per_segment()},
                {"unit", "dB log-Mel, normalised per band inside the model"}};
  if (!source_path_.empty()) j["file"] = source_path_;
  j["genrec_version"] = kVersion;
  return j;
}

}  // namespace genrec
