#include "model/fold_calibration.h"

#include <algorithm>
#include <set>

#include "audio/error.h"
#include "genrec_version.h"
#include "model/evaluate.h"
#include "model/genre_model.h"
#include "model/seen_songs.h"

namespace genrec {
namespace {

struct Scored {
  std::string model;
  EvalResult result;
  std::set<int> held_out;
};

// The songs of several or one segment only.
std::vector<ScoredSong> of_length(const std::vector<ScoredSong>& songs, bool one_segment) {
  std::vector<ScoredSong> out;
  for (const ScoredSong& s : songs)
    if ((s.segments.size() == 1) == one_segment) out.push_back(s);
  return out;
}

// A calibration's two temperatures: of the segments, and of a long song's mean.
struct Temperatures {
  double segment = 1;
  double song = 1;
};

// Confidence and correctness of songs' answers at temperatures t, optionally one-segment only.
void answers(const std::vector<ScoredSong>& songs, Temperatures t, bool short_only,
             std::vector<double>& confidence, std::vector<bool>& correct) {
  top_answers(short_only ? of_length(songs, true) : songs, t.segment, confidence, correct, t.song);
}

double ece_at(const std::vector<ScoredSong>& songs, Temperatures t, bool short_only) {
  std::vector<double> confidence;
  std::vector<bool> correct;
  answers(songs, t, short_only, confidence, correct);
  return expected_calibration_error(confidence, correct);
}

// What the temperature is fitted on: the songs, or each song's segments as one-segment songs.
std::vector<ScoredSong> fit_items(const std::vector<ScoredSong>& songs, const std::string& fit_on) {
  if (fit_on == "songs") return songs;
  if (fit_on != "windows") throw Error("calibrate", fit_on, "fit on windows or songs");
  std::vector<ScoredSong> windows;
  for (const ScoredSong& s : songs)
    for (const std::vector<float>& seg : s.segments) windows.push_back(ScoredSong{s.truth, {seg}});
  return windows;
}

// Both temperatures fitted on `songs`: the segments' (fit_on), then the long songs' on their
// means at that temperature (each long song as a one-segment song of its mean).
Temperatures fit_temperatures(const std::vector<ScoredSong>& songs, const std::string& fit_on) {
  Temperatures t;
  t.segment = fit_temperature(fit_items(songs, fit_on));
  std::vector<ScoredSong> means;
  for (const ScoredSong& s : of_length(songs, false))
    means.push_back(ScoredSong{s.truth, {song_probabilities(s, t.segment)}});
  t.song = fit_temperature(means);
  return t;
}

// Models holding out the same songs merged into one: their segment probabilities averaged.
std::vector<Scored> as_ensembles(std::vector<Scored> scored,
                                 const std::vector<std::string>& labels) {
  std::vector<Scored> out;
  std::vector<int> members;
  for (Scored& s : scored) {
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const Scored& o) { return o.held_out == s.held_out; });
    if (same == out.end()) {
      out.push_back(std::move(s));
      members.push_back(1);
      continue;
    }
    const int k = ++members[static_cast<std::size_t>(same - out.begin())];
    same->model += " + " + s.model;
    for (std::size_t i = 0; i < same->result.scored.size(); ++i) {
      std::vector<std::vector<float>>& a = same->result.scored[i].segments;
      const std::vector<std::vector<float>>& b = s.result.scored.at(i).segments;
      if (a.size() != b.size() || same->result.scored_index[i] != s.result.scored_index.at(i))
        throw Error("calibrate", s.model,
                    "scored its held-out songs differently from " + same->model);
      for (std::size_t g = 0; g < a.size(); ++g)
        for (std::size_t l = 0; l < a[g].size(); ++l)  // running mean over k members
          a[g][l] += (b[g][l] - a[g][l]) / static_cast<float>(k);
    }
  }
  for (Scored& s : out) {  // the song confusion matrix of the ensemble's answers
    s.result.songs = ConfusionMatrix(labels);
    for (const ScoredSong& song : s.result.scored)
      s.result.songs.add(song.truth, argmax(song_probabilities(song, 1.0)));
  }
  return out;
}

FoldFigures figures_of(const Scored& s, Temperatures t_others) {
  FoldFigures f;
  f.model = s.model;
  std::size_t long_right = 0, short_right = 0;
  for (const ScoredSong& song : s.result.scored) {
    const bool right = argmax(song_probabilities(song, 1.0)) == song.truth;
    if (song.segments.size() == 1) {
      ++f.n_short;
      short_right += right ? 1 : 0;
    } else {
      ++f.n_long;
      long_right += right ? 1 : 0;
    }
  }
  auto frac = [](std::size_t a, std::size_t b) { return b ? double(a) / double(b) : 0.0; };
  f.long_song_accuracy = frac(long_right, f.n_long);
  f.short_window_accuracy = frac(short_right, f.n_short);
  f.macro_f1 = compute_metrics(s.result.songs).macro_f1;
  f.ece_short_before = ece_at(s.result.scored, {}, true);
  f.ece_short_after = ece_at(s.result.scored, t_others, true);
  f.temperature_others = t_others.segment;
  return f;
}

nlohmann::json figures_json(const FoldFigures& f) {
  return {{"model", f.model},
          {"long_songs", f.n_long},
          {"long_song_accuracy", f.long_song_accuracy},
          {"short_songs", f.n_short},
          {"short_window_accuracy", f.short_window_accuracy},
          {"macro_f1", f.macro_f1},
          {"ece_short_before", f.ece_short_before},
          {"ece_short_after", f.ece_short_after},
          {"temperature_other_folds", f.temperature_others}};
}

}  // namespace

FoldCalibration calibrate_on_folds(const std::vector<std::string>& fold_models, const Dataset& data,
                                   const CalibrateOptions& options,
                                   const std::function<void(std::size_t, std::size_t)>& progress) {
  if (fold_models.empty()) throw Error("calibrate", "folds", "no fold models given");
  FoldCalibration c;
  std::vector<Scored> scored;
  std::vector<int> all(data.songs.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  for (const std::string& path : fold_models) {
    const GenreModel model = GenreModel::load(path);
    if (!model.info().calibration.is_null())
      throw Error("calibrate", path, "is already calibrated; give the fold models as trained");
    if (!read_seen_songs(model.info().training).recorded)
      throw Error("calibrate", path,
                  "does not record its training songs, so its held-out songs are unknown");
    if (c.labels.empty()) c.labels = model.info().labels;
    if (model.info().labels != c.labels)
      throw Error("calibrate", path, "has other labels than " + fold_models.front());
    Scored s{path, evaluate(model, data, all, EvalOptions{}, options.threads), {}};
    if (s.result.scored.empty())
      throw Error("calibrate", path, "holds out none of the songs given (--data)");
    s.held_out.insert(s.result.scored_index.begin(), s.result.scored_index.end());
    scored.push_back(std::move(s));
    if (progress) progress(scored.size(), fold_models.size());
  }

  if (options.ensemble) scored = as_ensembles(std::move(scored), c.labels);
  std::vector<ScoredSong> pooled;
  for (const Scored& s : scored)
    pooled.insert(pooled.end(), s.result.scored.begin(), s.result.scored.end());
  c.n_scored = pooled.size();
  c.fit_on = options.fit_on;
  const Temperatures fitted = fit_temperatures(pooled, options.fit_on);
  c.temperature = fitted.segment;
  c.song_temperature = fitted.song;
  std::vector<double> confidence;
  std::vector<bool> correct;
  answers(pooled, fitted, false, confidence, correct);
  c.uncertain_below = choose_uncertain_threshold(confidence, correct);
  c.ece_songs_before = ece_at(pooled, {}, false);

  // Each fold at a temperature fitted without it (nor any model holding out its songs).
  std::vector<ScoredSong> after_pool;  // every fold's songs, tempered by its others' temperature
  std::vector<Temperatures> after_t;
  for (std::size_t i = 0; i < scored.size(); ++i) {
    std::vector<ScoredSong> others;
    for (std::size_t j = 0; j < scored.size(); ++j) {
      const bool disjoint = std::none_of(scored[j].held_out.begin(), scored[j].held_out.end(),
                                         [&](int k) { return scored[i].held_out.count(k) > 0; });
      if (j != i && disjoint)
        others.insert(others.end(), scored[j].result.scored.begin(), scored[j].result.scored.end());
    }
    const Temperatures t =
        others.empty() ? Temperatures{} : fit_temperatures(others, options.fit_on);
    c.folds.push_back(figures_of(scored[i], t));
    for (const ScoredSong& song : scored[i].result.scored) {
      after_pool.push_back(song);
      after_t.push_back(t);
    }
  }
  // Pooled errors after: each song's answer at its own fold's temperature.
  auto pooled_after = [&](int kind) {  // 0: all, 1: one segment, 2: several
    std::vector<double> confidence;
    std::vector<bool> correct;
    for (std::size_t k = 0; k < after_pool.size(); ++k) {
      const bool one = after_pool[k].segments.size() == 1;
      if ((kind == 1 && !one) || (kind == 2 && one)) continue;
      answers({after_pool[k]}, after_t[k], false, confidence, correct);
    }
    return expected_calibration_error(confidence, correct);
  };
  c.ece_songs_after = pooled_after(0);
  c.ece_short_after = pooled_after(1);
  c.ece_long_after = pooled_after(2);
  c.ece_short_before = ece_at(of_length(pooled, true), {}, false);
  c.ece_long_before = ece_at(of_length(pooled, false), {}, false);

  const double n = static_cast<double>(c.folds.size());
  c.mean.model = "mean of " + std::to_string(c.folds.size()) + " folds";
  c.mean.temperature_others = 0;
  for (const FoldFigures& f : c.folds) {
    c.mean.n_long += f.n_long;
    c.mean.n_short += f.n_short;
    c.mean.long_song_accuracy += f.long_song_accuracy / n;
    c.mean.short_window_accuracy += f.short_window_accuracy / n;
    c.mean.macro_f1 += f.macro_f1 / n;
    c.mean.ece_short_before += f.ece_short_before / n;
    c.mean.ece_short_after += f.ece_short_after / n;
    c.mean.temperature_others += f.temperature_others / n;
  }
  return c;
}

nlohmann::json fold_calibration_json(const FoldCalibration& c) {
  nlohmann::json folds = nlohmann::json::array();
  for (const FoldFigures& f : c.folds) folds.push_back(figures_json(f));
  return {{"method",
           "temperature scaling of the segment probabilities, then of the mean of a song of "
           "several segments, each fitted by likelihood on the held-out songs of "
           "cross-validation folds"},
          {"temperature", c.temperature},
          {"song_temperature", c.song_temperature},
          {"uncertain_below", c.uncertain_below},
          {"held_out_scorings", c.n_scored},
          {"ece_songs_before", c.ece_songs_before},
          {"ece_songs_after", c.ece_songs_after},
          {"ece_short_songs_before", c.ece_short_before},
          {"ece_short_songs_after", c.ece_short_after},
          {"ece_long_songs_before", c.ece_long_before},
          {"ece_long_songs_after", c.ece_long_after},
          {"fitted_on", c.fit_on},
          {"cross_validation", {{"folds", folds}, {"mean", figures_json(c.mean)}}},
          {"genrec_version", kVersion}};
}

}  // namespace genrec
