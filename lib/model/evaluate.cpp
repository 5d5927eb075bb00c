#include "model/evaluate.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "genrec_version.h"
#include "model/genre_model.h"

namespace genrec {

EvalResult evaluate(const GenreModel& model, const Dataset& data, const std::vector<int>& indices,
                    const PredictOptions& options, int threads,
                    const std::function<void(std::size_t, std::size_t)>& progress) {
  const std::vector<std::string>& labels = model.info().labels;
  EvalResult r{ConfusionMatrix(labels), ConfusionMatrix(labels), {}, 0};
  std::map<std::string, int> model_index;
  for (std::size_t i = 0; i < labels.size(); ++i) model_index[labels[i]] = static_cast<int>(i);

  std::vector<std::string> paths;
  std::vector<int> truth;
  for (int idx : indices) {
    const Song& s = data.songs.at(static_cast<std::size_t>(idx));
    auto it = model_index.find(data.labels.at(static_cast<std::size_t>(s.label)));
    if (it == model_index.end()) {
      ++r.n_skipped_labels;
      continue;
    }
    paths.push_back(s.path);
    truth.push_back(it->second);
  }
  std::size_t done = 0;
  predict_files(model, paths, options, threads, [&](const Prediction& p) {
    const int t = truth[done++];
    if (!p.ok()) {
      r.failed.push_back(p.error);
      spdlog::warn("skipped: {}", p.error);
    } else {
      r.songs.add(t, argmax(p.probs));
      for (const SegmentPrediction& s : p.segments) r.segments.add(t, argmax(s.probs));
    }
    if (progress) progress(done, paths.size());
  });
  return r;
}

nlohmann::json eval_json(const EvalResult& r) {
  return {{"songs",
           {{"metrics", metrics_json(compute_metrics(r.songs))},
            {"confusion", confusion_json(r.songs)}}},
          {"segments",
           {{"metrics", metrics_json(compute_metrics(r.segments))},
            {"confusion", confusion_json(r.segments)}}},
          {"n_songs", r.songs.total()},
          {"n_segments", r.segments.total()},
          {"failed", r.failed},
          {"skipped_unknown_genre", r.n_skipped_labels},
          {"genrec_version", kVersion}};
}

}  // namespace genrec
