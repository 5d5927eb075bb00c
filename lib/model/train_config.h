#pragma once
// A training run's whole configuration, as in configs/*.toml: [features] (FeatureConfig),
// [model] (CnnConfig) and [train] (TrainOptions). Stored in the model file. Torch-free.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audio/feature_config.h"
#include "data/augment.h"
#include "data/batch_loader.h"
#include "model/cnn_config.h"

namespace genrec {

struct TrainOptions {
  int epochs = 40;
  int batch_size = 32;
  double lr = 3e-3;            // AdamW peak learning rate
  double weight_decay = 1e-2;  // AdamW decoupled weight decay
  double warmup_epochs = 2;    // linear warm-up, then cosine decay
  double min_lr_ratio = 0.02;  // the cosine ends at lr * min_lr_ratio
  double label_smoothing = 0.1;
  int crops_per_song = 16;    // random windows per training song per epoch ...
  int crops_per_segment = 0;  // ... plus this many per whole segment after a song's first
  AugmentOptions augment;     // SpecAugment masks, random gain, band limiting, mel shift
  // Resampled copies: the training songs are also cached as heard through each of these sample
  // rates (down and back up with the resampler, as predict hears a file of that rate), and with
  // probability resample_prob a window is cut from one of the copies, drawn uniformly, instead
  // of the original (0 or no rates: off).
  double resample_prob = 0.0;
  std::vector<int> resample_rates;
  double mixup_alpha = 0.0;  // mixup within batches (0: off)
  // Consistency training: each window is trained as two augmented views, and this weight
  // times the Jensen-Shannon divergence of their predictions joins the loss (0: off).
  double consistency_weight = 0.0;
  // Band-limiting teacher: every band-limited training window and the same window without the
  // band limiting also go through the network in evaluation mode (the latter without
  // gradient), and this weight times KL(prediction without || with band limiting) joins the
  // loss, so that a band-limited copy keeps the answer of the full-band original while a
  // full-band input still uses its treble (0: off).
  double lowpass_teacher_weight = 0.0;
  // Exponential moving average of the weights (0: off); at step s its decay is
  // min(ema_decay, (1 + s) / (10 + s)) (train/weight_average.cpp).
  double ema_decay = 0.99;
  int patience = 10;  // epochs without validation improvement before stopping (0: off)
  int eval_batch_size = 64;

  nlohmann::json to_json() const;
  // Absent keys keep their defaults. Throws genrec::Error("config", "train", cause).
  static TrainOptions from_json(const nlohmann::json& j);
};

// The background loader's settings for training with `options` on features with `top_db`;
// fill: the per-band mask value.
LoaderOptions loader_options(const TrainOptions& options, double top_db, std::vector<float> fill);

struct RunConfig {
  std::string source = "built-in defaults";  // the TOML file it came from
  FeatureConfig features;
  CnnConfig model;
  TrainOptions train;

  nlohmann::json to_json() const;  // {"features": ..., "model": ..., "train": ...}
};

// Reads configs/*.toml (and its `base`: audio/config_file.h): [features] through
// load_feature_config, [model] and [train] here. Absent tables and keys keep the defaults.
// Throws genrec::Error("config", path, cause).
RunConfig load_run_config(const std::string& toml_path);

}  // namespace genrec
