#pragma once
// A trained genre classifier: the CNN's weights plus everything needed to use them
// (labels, feature configuration, architecture, input normalisation, training record).
// Input to probabilities(): log-Mel segments exactly as LogMelExtractor::log_mel gives them
// ([n_mels][frames_per_segment] dB, un-normalised); normalisation happens inside.
// LibTorch stays behind a pimpl so that users of this header compile without it.
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audio/error.h"
#include "audio/feature_config.h"

namespace genrec {

// What a model file says about itself besides the weights.
struct ModelInfo {
  int format_version = 0;
  std::string name;                 // e.g. "genrec-gtzan-mini"
  std::vector<std::string> labels;  // in output order
  FeatureConfig features;
  nlohmann::json arch;      // architecture configuration ([model] table of the config)
  nlohmann::json training;  // dataset, split spec + seed, train config, metrics, date, command
};

class GenreModelImpl;  // LibTorch side (lib/model/genre_model_impl.h)

class GenreModel {
 public:
  // Reads a model file. Throws genrec::Error("model", path, cause) for a missing, truncated,
  // foreign or newer-version file ("model: 'x.genrec': truncated file").
  static GenreModel load(const std::string& path);
  // Writes the model file atomically (temporary file + rename). Throws genrec::Error.
  void save(const std::string& path) const;

  const ModelInfo& info() const;
  std::size_t n_labels() const;

  // logmel: `batch` contiguous [n_mels][frames_per_segment] dB matrices; returns
  // [batch][n_labels] softmax probabilities. Thread-safe for concurrent calls.
  std::vector<float> probabilities(const float* logmel, std::size_t batch) const;
  // Same, but the raw logits (pre-softmax); used by tests comparing saved/loaded models.
  std::vector<float> logits(const float* logmel, std::size_t batch) const;

  // What `genrec info` and GET /api/model print: name, labels, features, arch, training,
  // parameter count, format version.
  nlohmann::json describe() const;

  // For the trainer and model-file code: the LibTorch side. Not for general use.
  explicit GenreModel(std::shared_ptr<GenreModelImpl> impl);
  GenreModelImpl& impl() const { return *impl_; }

 private:
  std::shared_ptr<GenreModelImpl> impl_;
};

// The model shipped with genrec: $GENREC_MODEL if set, else models/genrec-gtzan-mini.genrec
// found beside the executable (<exe_dir>/../share/genrec/models, <exe_dir>/../../models for
// build/bin/genrec in a checkout). Throws genrec::Error naming the places looked.
std::string default_model_path();

// The file name of the shipped model inside models/.
inline constexpr const char* kDefaultModelFile = "genrec-gtzan-mini.genrec";

}  // namespace genrec
