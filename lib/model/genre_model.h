#pragma once
// A trained genre classifier: the CNN's weights plus everything needed to use them
// (labels, feature configuration, architecture, input normalisation, training record).
// Input to probabilities(): log-Mel segments exactly as LogMelExtractor::log_mel gives them
// ([n_mels][frames_per_segment] dB, un-normalised); normalisation happens inside.
// Torch-free: the network runs on lib/model/cnn_inference.h; training (lib/train) hands its
// LibTorch module over as named tensors.
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audio/error.h"
#include "audio/feature_config.h"
#include "model/named_tensor.h"

namespace genrec {

// What a model file says about itself besides the weights.
struct ModelInfo {
  int format_version = 0;
  std::string name;                 // e.g. "genrec-gtzan-mini"
  std::vector<std::string> labels;  // in output order
  FeatureConfig features;
  nlohmann::json arch;      // architecture configuration ([model] table of the config)
  nlohmann::json training;  // dataset, split spec + seed, train config, metrics, date, command
  // Post-hoc calibration (`genrec calibrate`): {"temperature", "song_temperature" (optional),
  // "uncertain_below", and the
  // cross-validation figures it was fitted on}; null for an uncalibrated model (T = 1, never
  // uncertain).
  nlohmann::json calibration;
};

class CnnInference;

class GenreModel {
 public:
  // A model from its description and weights (exactly the tensors of its architecture, as
  // CnnConfig::tensor_specs lists them). Throws genrec::Error("model", ...) when they disagree.
  GenreModel(ModelInfo info, TensorList tensors);
  // Reads a model file. Throws genrec::Error("model", path, cause) for a missing, truncated,
  // foreign or newer-version file ("model: 'x.genrec': truncated file").
  static GenreModel load(const std::string& path);
  // The same from the file's bytes in memory; `path` names them in errors.
  static GenreModel from_bytes(const std::string& bytes, const std::string& path);
  // Writes the model file atomically (temporary file + rename). Throws genrec::Error.
  void save(const std::string& path) const;

  const ModelInfo& info() const;
  std::size_t n_labels() const;

  // Replaces the training record (info().training), e.g. to add the test-part figures.
  void set_training(nlohmann::json training);
  // Replaces the calibration (see ModelInfo::calibration); throws genrec::Error("model", ...)
  // for a temperature that is not a positive finite number or a threshold outside [0, 1].
  void set_calibration(nlohmann::json calibration);
  // The calibration's temperature (1 when uncalibrated) and the top-probability below which
  // an answer is uncertain (0 when uncalibrated).
  double temperature() const { return temperature_; }
  double uncertain_below() const { return uncertain_below_; }
  // The second temperature, of the song-level mean of a song of several segments
  // (report/calibration.h temper_song); 1 when uncalibrated or absent.
  double song_temperature() const { return song_temperature_; }

  // logmel: `batch` contiguous [n_mels][frames_per_segment] dB matrices; returns
  // [batch][n_labels] softmax probabilities (of logits / temperature()), the segments spread over
  // `threads` threads. Thread-safe for concurrent calls.
  std::vector<float> probabilities(const float* logmel, std::size_t batch, int threads = 1) const;
  // Same, but the raw logits (pre-softmax, before the temperature); used by tests comparing
  // saved/loaded models.
  std::vector<float> logits(const float* logmel, std::size_t batch, int threads = 1) const;
  const TensorList& tensors() const { return tensors_; }

  // What `genrec info` and GET /api/model print: name, labels, features, arch, training,
  // parameter count, format version.
  nlohmann::json describe() const;

 private:
  ModelInfo info_;
  TensorList tensors_;
  std::shared_ptr<const CnnInference> net_;
  std::string source_path_;  // the file it was loaded from, if any
  double temperature_ = 1.0;
  double uncertain_below_ = 0.0;
  double song_temperature_ = 1.0;
};

}  // namespace genrec
