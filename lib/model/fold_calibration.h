#pragma once
// `genrec calibrate`: cross-validation figures and a fitted temperature from the fold models
// of a cross-validation run. Each fold model scores the songs of the dataset it was not
// trained or validated on (recognised by their decoded samples, model/seen_songs.h), so what
// is measured and fitted is held out by construction, whatever split made the folds.
// Songs of one segment (clips no longer than a segment, e.g. 2-3 s excerpts) are scored per
// window; longer songs per song (the mean of their segments).
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace genrec {

struct FoldFigures {
  std::string model;                 // the fold model's file
  std::size_t n_long = 0;            // held-out songs of several segments ...
  double long_song_accuracy = 0;     // ... and the fraction classified right
  std::size_t n_short = 0;           // held-out one-segment songs ...
  double short_window_accuracy = 0;  // ... and the fraction classified right
  double macro_f1 = 0;               // over all held-out songs (songs with support only)
  double ece_short_before = 0;       // calibration error (10 bins) of the one-segment songs, T = 1
  double ece_short_after = 0;        // ... at the temperature fitted on the other folds
  double temperature_others = 1;     // that (segment) temperature
};

struct FoldCalibration {
  std::vector<std::string> labels;
  std::vector<FoldFigures> folds;
  FoldFigures mean;             // the mean of each figure over the folds
  double temperature = 1;       // fitted on every held-out song of every fold ...
  double song_temperature = 1;  // ... and the second, of long songs' means, after it
  double uncertain_below = 0;   // chosen on the same songs at that temperature
  std::size_t n_scored = 0;     // held-out song scorings pooled (a song held out by several
                                // models, e.g. one per seed, counts once per model)
  double ece_songs_before = 0;  // all held-out songs, pooled, T = 1
  double ece_songs_after = 0;   // ... each fold at the temperature fitted on the others
  double ece_short_before = 0;  // the one-segment songs of all folds, pooled, T = 1
  double ece_short_after = 0;   // ... each fold at the temperature fitted on the others
  double ece_long_before = 0;   // the longer songs of all folds, pooled, T = 1
  double ece_long_after = 0;    // ... each fold at the temperature fitted on the others
  std::string fit_on;           // "windows" or "songs" (CalibrateOptions::fit_on)
};

struct CalibrateOptions {
  // What the temperature's likelihood is fitted on: "windows" (every 3 s segment of every
  // held-out song, labelled with its song's genre: the unit the temperature acts on) or
  // "songs" (each held-out song's mean probabilities, as predict reports them).
  std::string fit_on = "windows";
  // Fold models that hold out the same songs (one fold of several seeds' runs) are scored as
  // one ensemble: the mean of their segment probabilities, as an `ensemble = K` model gives.
  bool ensemble = false;
  int threads = 1;
};

// Scores each fold model on the songs of `data` it did not see, then fits. The other folds
// of fold i are the models whose held-out songs are disjoint from i's (so another seed's run
// of the same fold is not one of them). Throws genrec::Error("calibrate", file, cause) for a
// fold model that does not record its training songs, is itself calibrated, has other labels
// than the first, or holds out no song. `progress(done, total)` after each model.
FoldCalibration calibrate_on_folds(
    const std::vector<std::string>& fold_models, const Dataset& data,
    const CalibrateOptions& options,
    const std::function<void(std::size_t, std::size_t)>& progress = {});

// What goes into the model file's "calibration" (and `genrec info`): the temperature, the
// threshold, the calibration errors before and after, and the cross-validation figures.
nlohmann::json fold_calibration_json(const FoldCalibration& c);

}  // namespace genrec
