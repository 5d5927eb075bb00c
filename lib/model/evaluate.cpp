#include "model/evaluate.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "genrec_version.h"
#include "model/genre_model.h"
#include "model/seen_songs.h"
#include "report/text_escape.h"

namespace genrec {

EvalResult evaluate(const GenreModel& model, const Dataset& data, const std::vector<int>& indices,
                    const EvalOptions& options, int threads,
                    const std::function<void(std::size_t, std::size_t)>& progress) {
  const std::vector<std::string>& labels = model.info().labels;
  EvalResult r{ConfusionMatrix(labels), ConfusionMatrix(labels), {}, {}, {}};
  const SeenSongs seen = read_seen_songs(model.info().training);
  r.seen_recorded = seen.recorded;
  r.include_seen = options.include_seen;
  r.song_temperature = model.song_temperature();
  std::map<std::string, int> model_index;
  for (std::size_t i = 0; i < labels.size(); ++i) model_index[labels[i]] = static_cast<int>(i);

  std::vector<std::string> paths;
  std::vector<int> truth;
  std::vector<int> index;
  for (int idx : indices) {
    const Song& s = data.songs.at(static_cast<std::size_t>(idx));
    auto it = model_index.find(data.labels.at(static_cast<std::size_t>(s.label)));
    if (it == model_index.end()) {
      r.unknown_genre.push_back(s.path);
      spdlog::warn("skipped '{}': genre '{}' is not one of the model's", printable(s.path),
                   printable(data.labels.at(static_cast<std::size_t>(s.label))));
      continue;
    }
    paths.push_back(s.path);
    truth.push_back(it->second);
    index.push_back(idx);
  }
  std::size_t done = 0;
  predict_files(model, paths, options.predict, threads, [&](const Prediction& p) {
    const int t = truth[done];
    const int idx = index[done++];
    if (!p.ok()) {
      r.failed.push_back(p.error);
      spdlog::warn("skipped: {}", printable(p.error));
    } else if (const std::string role = seen.role(p.fingerprint);
               !role.empty() && !options.include_seen) {
      r.seen_left_out.push_back(p.file + " (" + role + ")");
    } else {
      if (!role.empty()) ++r.n_seen_scored;
      r.songs.add(t, argmax(p.probs));
      ScoredSong song{t, {}};
      for (const SegmentPrediction& s : p.segments) {
        r.segments.add(t, argmax(s.probs));
        song.segments.push_back(s.probs);
      }
      r.scored.push_back(std::move(song));
      r.scored_index.push_back(idx);
      r.scored_uncertain.push_back(p.uncertain);
    }
    if (progress) progress(done, paths.size());
  });
  return r;
}

double songs_calibration_error(const EvalResult& r) {
  std::vector<double> confidence;
  std::vector<bool> correct;
  top_answers(r.scored, 1.0, confidence, correct, r.song_temperature);
  return expected_calibration_error(confidence, correct);
}

std::string seen_songs_line(const EvalResult& r) {
  if (!r.seen_recorded)
    return "the model file does not record its training songs (trained by an older genrec): "
           "songs it was trained on cannot be recognised and are scored like the others";
  if (r.include_seen && r.n_seen_scored > 0)
    return "TRAINED SONGS INCLUDED (--include-trained): " + std::to_string(r.n_seen_scored) +
           " of the " + std::to_string(r.songs.total()) +
           " scored songs were used to train or validate the model; this score flatters it";
  if (!r.seen_left_out.empty())
    return "left out " + std::to_string(r.seen_left_out.size()) +
           " songs the model was trained or validated on (recognised by their decoded "
           "samples); --include-trained scores them";
  return "";
}

nlohmann::json eval_json(const EvalResult& r) {
  std::vector<std::string> failed, unknown, seen;
  for (const std::string& s : r.failed) failed.push_back(utf8_or_escaped(s));
  for (const std::string& s : r.unknown_genre) unknown.push_back(utf8_or_escaped(s));
  for (const std::string& s : r.seen_left_out) seen.push_back(utf8_or_escaped(s));
  nlohmann::json j{
      {"songs",
       {{"metrics", metrics_json(compute_metrics(r.songs))},
        {"confusion", confusion_json(r.songs)}}},
      {"segments",
       {{"metrics", metrics_json(compute_metrics(r.segments))},
        {"confusion", confusion_json(r.segments)}}},
      {"calibration_error", songs_calibration_error(r)},
      {"n_uncertain", std::count(r.scored_uncertain.begin(), r.scored_uncertain.end(), true)},
      {"n_songs", r.songs.total()},
      {"n_segments", r.segments.total()},
      {"failed", failed},
      {"n_failed", failed.size()},
      {"skipped_unknown_genre", unknown},
      {"n_skipped_unknown_genre", unknown.size()},
      {"left_out_seen", seen},
      {"n_left_out_seen", seen.size()},
      {"includes_trained", r.include_seen},
      {"n_trained_scored", r.n_seen_scored},
      {"training_songs_recorded", r.seen_recorded},
      {"genrec_version", kVersion}};
  const std::string line = seen_songs_line(r);
  if (!line.empty()) j["note"] = line;
  return j;
}

}  // namespace genrec
