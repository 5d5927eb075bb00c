#pragma once
// `genrec eval`: classify a labelled set of songs and score it at segment and song level.
// Songs the model was trained or validated on (recognised by the fingerprint of their decoded
// samples, see model/seen_songs.h) are left out unless asked for: a score on them flatters.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "model/predictor.h"
#include "report/calibration.h"
#include "report/metrics.h"

namespace genrec {

struct EvalOptions {
  PredictOptions predict;
  bool include_seen = false;  // score training/validation songs too (labelled as such)
};

struct EvalResult {
  ConfusionMatrix songs;                   // one count per scored song (mean of segment probs)
  ConfusionMatrix segments;                // one count per 3 s segment of the scored songs
  std::vector<std::string> failed;         // "path: cause" for songs that could not be classified
  std::vector<std::string> unknown_genre;  // songs whose genre the model does not know
  std::vector<std::string> seen_left_out;  // "path (trained|validated)": seen, not scored
  std::size_t n_seen_scored = 0;           // seen songs scored anyway (include_seen)
  bool seen_recorded = true;               // false: the model file does not list its songs
  bool include_seen = false;
  std::vector<ScoredSong> scored{};      // the scored songs' segment probabilities
  std::vector<int> scored_index{};       // their indices in the dataset
  std::vector<bool> scored_uncertain{};  // their answers were marked uncertain
  double song_temperature = 1.0;         // the model's (applied to songs of several segments)
};

// Classifies data.songs[indices] with `threads` workers. Dataset labels are matched to the
// model's by name; songs of unknown genres are skipped and named. `progress` (may be empty)
// is called after each song with (done, total).
EvalResult evaluate(const GenreModel& model, const Dataset& data, const std::vector<int>& indices,
                    const EvalOptions& options, int threads,
                    const std::function<void(std::size_t, std::size_t)>& progress = {});

// Expected calibration error (10 equal-width bins) of the scored songs' answers, at the
// model's own temperatures (the mean of segment probabilities, as reported).
double songs_calibration_error(const EvalResult& r);

// The one line that says which songs were left out or included and why ("" when none).
std::string seen_songs_line(const EvalResult& r);

// Everything eval reports, as one JSON object (metrics for songs and segments, matrices, the
// songs left out and why).
nlohmann::json eval_json(const EvalResult& r);

}  // namespace genrec
