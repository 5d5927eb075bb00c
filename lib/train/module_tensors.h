#pragma once
// The bridge from training to inference: a LibTorch GenreCnn's weights as the named tensors of
// a model file (CnnConfig::tensor_specs), and a GenreModel made from them.
#include "model/genre_model.h"
#include "train/cnn.h"

namespace genrec {

// Every tensor of one network (CnnConfig::member_tensor_specs), copied out of the module
// (float32, contiguous). Throws genrec::Error("model", "weights", cause) if the module lacks one.
TensorList module_tensors(const GenreCnn& net, const FeatureConfig& features, int n_labels);

// A model with `info` and the module's current weights: one network (info.arch's ensemble is
// set to 1).
GenreModel model_from_module(ModelInfo info, const GenreCnn& net);

}  // namespace genrec
