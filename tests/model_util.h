#pragma once
// A randomly initialised genre model without LibTorch, for tests that need a model but not a
// trained one (the server, inference): He-scaled random convolution and head weights,
// per-band normalisation around -40 dB, batch norm with random running statistics.
#include <random>
#include <string>
#include <vector>

#include "model/cnn_config.h"
#include "model/genre_model.h"

namespace genrec::test {

inline GenreModel random_genre_model(const CnnConfig& arch, std::vector<std::string> labels,
                                     unsigned seed = 7) {
  ModelInfo info;
  info.name = "test-random-cnn";
  info.labels = std::move(labels);
  info.arch = arch.to_json();
  info.training = {{"dataset", "none (random weights for tests)"}, {"seed", seed}};
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  TensorList tensors;
  for (const TensorSpec& spec :
       arch.tensor_specs(info.features, static_cast<int>(info.labels.size()))) {
    NamedTensor t{spec.name, spec.shape, std::vector<float>(element_count(spec.shape))};
    const std::string& n = spec.name;
    auto ends_with = [&n](const std::string& s) {
      return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0;
    };
    const float fan_in =
        spec.shape.size() > 1 ? static_cast<float>(element_count(spec.shape) / spec.shape[0]) : 1;
    for (std::size_t i = 0; i < t.values.size(); ++i) {
      float& v = t.values[i];
      if (ends_with("norm_mean"))
        v = -40.0f + 0.1f * static_cast<float>(i);
      else if (ends_with("norm_std"))
        v = 10.0f + 0.05f * static_cast<float>(i);
      else if (ends_with("running_var"))
        v = 0.5f + 1.5f * uniform(rng);
      else if (ends_with("running_mean"))
        v = uniform(rng) - 0.5f;
      else if (spec.shape.size() == 1)
        v = ends_with("head.bias") ? 0.0f
                                   : 0.2f * normal(rng) + (ends_with(".weight") ? 1.0f : 0.0f);
      else
        v = normal(rng) * std::sqrt(2.0f / fan_in);
    }
    tensors.push_back(std::move(t));
  }
  return GenreModel(std::move(info), std::move(tensors));
}

}  // namespace genrec::test
