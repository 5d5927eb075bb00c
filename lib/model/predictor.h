#pragma once
// Song-level inference: AudioSource -> non-overlapping segments -> log-Mel -> batches ->
// CNN -> segment probabilities -> song probabilities (mean over segments).
// Memory is bounded by one batch of segments, whatever the song's length.
#include <cstdint>
#include <string>
#include <vector>

#include "audio/audio_source.h"

namespace genrec {

class GenreModel;

struct SegmentPrediction {
  double start_s = 0;
  double end_s = 0;
  std::vector<float> probs;  // one per label
};

struct Prediction {
  std::string file;
  double duration_s = 0;
  std::vector<float> probs;  // song-level, mean of segment probabilities
  std::vector<SegmentPrediction> segments;
  std::string error;         // non-empty: this input failed, the rest is unset
  int top_index() const;     // argmax of probs
};

struct PredictOptions {
  int batch_size = 16;
  bool keep_segments = true;  // segments are cheap; report writers decide whether to print
};

// Thread-safe for concurrent calls on one model (the model is read-only).
Prediction predict_source(const GenreModel& model, AudioSource& source,
                          const PredictOptions& options = {});
// Never throws for bad input: failures come back with `error` set.
Prediction predict_file(const GenreModel& model, const std::string& path,
                        const PredictOptions& options = {});
Prediction predict_bytes(const GenreModel& model, std::vector<std::uint8_t> bytes,
                         const std::string& name, const PredictOptions& options = {});

}  // namespace genrec
