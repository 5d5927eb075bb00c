#pragma once
// The songs a model has seen: every training and validation song's content fingerprint
// (SampleStats::fingerprint of its decoded samples at the model's rate), kept in the model
// file's training record so that `eval` can leave them out however they are named or stored.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace genrec {

struct SongFingerprint {
  std::string file;  // rel_path at training time, for messages
  std::uint64_t fingerprint = 0;
};

struct SeenSongs {
  bool recorded = false;  // false: the model file predates the record (nothing is known)
  std::unordered_map<std::uint64_t, std::string> trained;    // fingerprint -> file
  std::unordered_map<std::uint64_t, std::string> validated;  // fingerprint -> file
  // "trained", "validated" or "" for a fingerprint.
  std::string role(std::uint64_t fingerprint) const;
};

// Adds the record to a training record (keys "trained_songs" and "validation_songs").
void record_seen_songs(nlohmann::json& training, const std::vector<SongFingerprint>& trained,
                       const std::vector<SongFingerprint>& validated);
// Reads it back. Throws genrec::Error("model", "training", cause) for a malformed record.
SeenSongs read_seen_songs(const nlohmann::json& training);

}  // namespace genrec
