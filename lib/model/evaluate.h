#pragma once
// `genrec eval`: classify a labelled set of songs and score it at segment and song level.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "model/predictor.h"
#include "report/metrics.h"

namespace genrec {

struct EvalResult {
  ConfusionMatrix songs;             // one count per song (mean of segment probabilities)
  ConfusionMatrix segments;          // one count per 3 s segment
  std::vector<std::string> failed;   // "path: cause" for songs that could not be classified
  std::size_t n_skipped_labels = 0;  // songs whose genre the model does not know
};

// Classifies data.songs[indices] with `threads` workers. Dataset labels are matched to the
// model's by name; songs of unknown genres are skipped and counted. `progress` (may be
// empty) is called after each song with (done, total).
EvalResult evaluate(const GenreModel& model, const Dataset& data, const std::vector<int>& indices,
                    const PredictOptions& options, int threads,
                    const std::function<void(std::size_t, std::size_t)>& progress = {});

// Everything eval reports, as one JSON object (metrics for songs and segments, matrices).
nlohmann::json eval_json(const EvalResult& r);

}  // namespace genrec
