#include "model/model_describe.h"

#include <iomanip>
#include <sstream>
#include <string>

namespace genrec {
namespace {

// "a=1 b=[16,32] c=x" from a flat JSON object, in key order.
std::string key_values(const nlohmann::json& j) {
  std::string out;
  for (const auto& [key, value] : j.items()) {
    out += out.empty() ? "" : " ";
    out += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return out;
}

std::string percent(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j.at(key).is_number()) return "-";
  std::ostringstream os;
  os << std::fixed << std::setprecision(1) << 100.0 * j.at(key).get<double>() << "%";
  return os.str();
}

std::string fixed3(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j.at(key).is_number()) return "-";
  std::ostringstream os;
  os << std::fixed << std::setprecision(3) << j.at(key).get<double>();
  return os.str();
}

// The calibration and the cross-validation figures it was fitted on (fold_calibration.h).
template <typename Line>
void write_calibration(const Line& line, const nlohmann::json& c) {
  if (!c.is_object()) {
    line("calibration", "none (the network's own confidences; no answer is marked uncertain)");
    return;
  }
  const std::string song_t = c.contains("song_temperature")
                                 ? " (long songs' means: " + fixed3(c, "song_temperature") + ")"
                                 : "";
  line("calibration", "temperature " + fixed3(c, "temperature") + song_t + ", uncertain below " +
                          percent(c, "uncertain_below") + " confidence; calibration error " +
                          fixed3(c, "ece_songs_before") + " before, " +
                          fixed3(c, "ece_songs_after") + " after (10 bins, " +
                          std::to_string(c.value("held_out_scorings", 0)) + " held-out songs)");
  if (!c.contains("cross_validation")) return;
  const nlohmann::json& cv = c.at("cross_validation");
  const nlohmann::json m = cv.value("mean", nlohmann::json::object());
  line("cross-valid.", std::to_string(cv.value("folds", nlohmann::json::array()).size()) +
                           " folds: song acc " + percent(m, "long_song_accuracy") + " (" +
                           std::to_string(m.value("long_songs", 0)) + " long songs), window acc " +
                           percent(m, "short_window_accuracy") + " (" +
                           std::to_string(m.value("short_songs", 0)) + " short songs), macro F1 " +
                           fixed3(m, "macro_f1") + "; short songs' calibration error " +
                           fixed3(c, "ece_short_songs_before") + " -> " +
                           fixed3(c, "ece_short_songs_after") + " (pooled over the folds)");
}

}  // namespace

void write_model_description(std::ostream& out, const nlohmann::json& d) {
  auto line = [&out](const std::string& key, const std::string& value) {
    out << std::left << std::setw(14) << key << value << "\n";
  };
  line("name", d.value("name", std::string("-")));
  if (d.contains("file")) line("file", d.at("file").get<std::string>());
  line("format", "genrec model file, version " + std::to_string(d.value("format_version", 0)));
  line("read by", "genrec " + d.value("genrec_version", std::string("-")));
  std::string labels;
  for (const auto& l : d.value("labels", nlohmann::json::array()))
    labels += (labels.empty() ? "" : ", ") + l.get<std::string>();
  line("labels",
       labels + " (" + std::to_string(d.value("labels", nlohmann::json::array()).size()) + ")");
  line("parameters", std::to_string(d.value("n_parameters", 0)));
  line("features", key_values(d.value("features", nlohmann::json::object())));
  line("architecture", key_values(d.value("arch", nlohmann::json::object())));
  write_calibration(line, d.value("calibration", nlohmann::json()));

  const nlohmann::json t = d.value("training", nlohmann::json::object());
  if (t.empty()) return;
  if (t.contains("dataset")) {
    const auto& ds = t.at("dataset");
    line("data",
         ds.value("root", std::string("-")) + " (" + std::to_string(ds.value("n_songs", 0)) +
             " songs: " + std::to_string(ds.value("n_train", 0)) + " train, " +
             std::to_string(ds.value("n_valid", 0)) + " valid, " +
             std::to_string(ds.value("n_test", 0)) + " test, " +
             std::to_string(ds.value("skipped", nlohmann::json::array()).size()) + " skipped)");
  }
  line("split", t.value("split", std::string("-")) + ", seed " +
                    (t.contains("seed") ? t.at("seed").dump() : std::string("-")));
  auto epochs = [](const nlohmann::json& r) {
    return std::to_string(r.value("epochs_run", 0)) + " run, weights of epoch " +
           std::to_string(r.value("best_epoch", 0)) +
           (r.value("stopped_early", false) ? " (stopped early)" : "");
  };
  if (t.contains("members") && t.at("members").is_array()) {
    const nlohmann::json& members = t.at("members");
    for (std::size_t m = 0; m < members.size(); ++m)
      line(m == 0 ? "epochs" : "",
           "network " + std::to_string(m + 1) + "/" + std::to_string(members.size()) + " (seed " +
               (members[m].contains("seed") ? members[m].at("seed").dump() : std::string("-")) +
               "): " + epochs(members[m]));
  } else {
    line("epochs", epochs(t));
  }
  if (t.contains("config") && t.at("config").contains("train"))
    line("train config", key_values(t.at("config").at("train")));
  if (t.contains("final")) {
    const auto& f = t.at("final");
    line("final epoch", "loss " + (f.contains("loss") ? f.at("loss").dump() : "-") +
                            ", train segment acc " + percent(f, "train_seg_acc") +
                            ", valid song acc " + percent(f, "valid_song_acc") +
                            ", valid segment acc " + percent(f, "valid_seg_acc"));
  }
  if (t.contains("test")) {
    const auto& s = t.at("test");
    line("test", std::to_string(s.value("n_songs", 0)) + " songs, song acc " +
                     percent(s, "song_accuracy") + ", segment acc " +
                     percent(s, "segment_accuracy"));
  }
  if (t.contains("date")) line("date", t.at("date").get<std::string>());
  if (t.contains("command")) line("command", t.at("command").get<std::string>());
}

}  // namespace genrec
