#include "model/seen_songs.h"

#include <cstdlib>

#include "audio/error.h"
#include "audio/sample_stats.h"

namespace genrec {
namespace {

nlohmann::json to_json(const std::vector<SongFingerprint>& songs) {
  nlohmann::json out = nlohmann::json::array();
  for (const SongFingerprint& s : songs)
    out.push_back({{"file", s.file}, {"fingerprint", fingerprint_to_hex(s.fingerprint)}});
  return out;
}

void read_into(const nlohmann::json& list, std::unordered_map<std::uint64_t, std::string>& out) {
  auto fail = [] { throw Error("model", "training", "malformed record of seen songs"); };
  if (!list.is_array()) fail();
  for (const nlohmann::json& e : list) {
    if (!e.is_object() || !e.contains("fingerprint") || !e["fingerprint"].is_string()) fail();
    const std::string hex = e["fingerprint"].get<std::string>();
    char* end = nullptr;
    const unsigned long long v = std::strtoull(hex.c_str(), &end, 16);
    if (hex.size() != 16 || end != hex.c_str() + hex.size()) fail();
    out[v] = e.value("file", std::string());
  }
}

}  // namespace

std::string SeenSongs::role(std::uint64_t fingerprint) const {
  if (trained.count(fingerprint)) return "trained";
  if (validated.count(fingerprint)) return "validated";
  return "";
}

void record_seen_songs(nlohmann::json& training, const std::vector<SongFingerprint>& trained,
                       const std::vector<SongFingerprint>& validated) {
  training["trained_songs"] = to_json(trained);
  training["validation_songs"] = to_json(validated);
}

SeenSongs read_seen_songs(const nlohmann::json& training) {
  SeenSongs seen;
  if (!training.is_object() || !training.contains("trained_songs")) return seen;
  seen.recorded = true;
  read_into(training["trained_songs"], seen.trained);
  if (training.contains("validation_songs"))
    read_into(training["validation_songs"], seen.validated);
  return seen;
}

}  // namespace genrec
