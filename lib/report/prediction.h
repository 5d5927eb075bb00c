#pragma once
// What the classifier says about one input: song-level probabilities (the mean of the
// segment probabilities) and the per-segment timeline. Plain data, no Torch.
#include <string>
#include <vector>

namespace genrec {

struct SegmentPrediction {
  double start_s = 0;
  double end_s = 0;
  std::vector<float> probs;  // one per label
};

struct Prediction {
  std::string file;
  double duration_s = 0;
  std::vector<float> probs;  // song level
  std::vector<SegmentPrediction> segments;
  std::string error;  // non-empty: this input failed and the fields above are unset
  bool ok() const { return error.empty(); }
};

// Index of the largest value (the first on ties); -1 for an empty vector.
int argmax(const std::vector<float>& p);

}  // namespace genrec
