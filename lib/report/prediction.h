#pragma once
// What the classifier says about one input: song-level probabilities (the mean of the
// segment probabilities) and the per-segment timeline. Plain data, no Torch.
#include <cstdint>
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
  // The top probability is below the model's calibrated threshold: the top genre is still
  // named, but held-out songs this unsure were more often wrong than right.
  bool uncertain = false;
  std::string warning;  // non-empty: the input is one the model cannot judge (silence, ...)
  std::uint64_t fingerprint = 0;  // SampleStats::fingerprint of the decoded samples
  std::string error;              // non-empty: this input failed and the fields above are unset
  bool ok() const { return error.empty(); }
};

// Index of the largest value (the first on ties); -1 for an empty vector.
int argmax(const std::vector<float>& p);

}  // namespace genrec
