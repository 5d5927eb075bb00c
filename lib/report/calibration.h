#pragma once
// Post-hoc calibration of the classifier's confidence (Guo et al. 2017, "On calibration of
// modern neural networks"): one temperature T for all outputs, p_k ∝ p_k^(1/T) (the same as
// softmax(logits / T)), fitted by minimising the negative log-likelihood on held-out songs;
// the expected calibration error over equal-width confidence bins; and the confidence below
// which an answer is marked uncertain. Plain data, no Torch.
#include <cstddef>
#include <vector>

namespace genrec {

// One held-out song as the classifier saw it: its true label and its segments' probabilities
// (uncalibrated, temperature 1). The song's probabilities are the mean over its segments.
struct ScoredSong {
  int truth = 0;
  std::vector<std::vector<float>> segments;  // [segment][label]
};

// p^(1/T) renormalised, in place (T = 1 leaves p as it is). p must be probabilities (> 0 sum).
void apply_temperature(std::vector<float>& p, double temperature);

// The second, song-level step: a song of several segments has the mean of its (tempered)
// segment probabilities tempered again by `song_temperature`; a one-segment song is left as
// it is (its mean is its one window). The mean of several windows is flatter than the windows
// are, so long input needs its own temperature.
void temper_song(std::vector<float>& song_probs, std::size_t n_segments, double song_temperature);

// The song's probabilities at temperature T: the mean over segments of each segment's
// tempered probabilities, then temper_song with song_temperature (what `genrec predict`
// reports for a calibrated model).
std::vector<float> song_probabilities(const ScoredSong& song, double temperature,
                                      double song_temperature = 1.0);

// Appends each song's top probability at temperatures T and song_temperature and whether its
// top genre is the truth.
void top_answers(const std::vector<ScoredSong>& songs, double temperature,
                 std::vector<double>& confidence, std::vector<bool>& correct,
                 double song_temperature = 1.0);

// Mean negative log-likelihood of the true labels at temperature T (probabilities clamped at
// 1e-12 from below).
double mean_nll(const std::vector<ScoredSong>& songs, double temperature);

// The temperature in [0.05, 20] with the least mean_nll (golden-section search on log T).
// 1 for an empty set.
double fit_temperature(const std::vector<ScoredSong>& songs);

struct CalibrationBin {
  double lo = 0, hi = 0;  // confidence range [lo, hi) (the last bin includes 1)
  std::size_t count = 0;  // answers whose confidence falls in it
  double confidence = 0;  // their mean confidence
  double accuracy = 0;    // the fraction of them that are right
};

// Top-label calibration of answers with confidence c (the top probability) and correctness:
// `bins` equal-width bins over [0, 1].
std::vector<CalibrationBin> calibration_bins(const std::vector<double>& confidence,
                                             const std::vector<bool>& correct, int bins = 10);

// Expected calibration error: sum over bins of (count / total) * |accuracy - confidence|.
// 0 for no answers.
double expected_calibration_error(const std::vector<double>& confidence,
                                  const std::vector<bool>& correct, int bins = 10);

// The confidence below which an answer is marked uncertain: the threshold t among the
// answers' confidences (and 0) that maximises (right answers at or above t) + (wrong answers
// below t), i.e. "uncertain" marks exactly the band where the answers were more often wrong
// than right. Ties go to the lowest such t. 0 for no answers.
double choose_uncertain_threshold(const std::vector<double>& confidence,
                                  const std::vector<bool>& correct);

}  // namespace genrec
