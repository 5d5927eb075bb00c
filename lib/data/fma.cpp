#include "data/fma.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "audio/error.h"
#include "data/csv_reader.h"

namespace genrec {
namespace fs = std::filesystem;
namespace {

// small ⊂ medium ⊂ large: a track of subset s belongs to every subset of rank >= rank(s).
int subset_rank(const std::string& s) {
  if (s == "small") return 0;
  if (s == "medium") return 1;
  if (s == "large") return 2;
  return -1;
}

// The subset an audio folder holds, from FMA's archive names (fma_full holds every track).
std::string subset_of_folder(const std::string& audio_dir) {
  fs::path p = fs::path(audio_dir).lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  const std::string name = p.filename().string();
  if (name == "fma_small") return "small";
  if (name == "fma_medium") return "medium";
  if (name == "fma_large" || name == "fma_full") return "large";
  return "";
}

// Column of (group, name) in FMA's first two header rows, or -1.
int column(const std::vector<std::string>& groups, const std::vector<std::string>& names,
           const std::string& group, const std::string& name) {
  for (std::size_t i = 0; i < groups.size() && i < names.size(); ++i)
    if (groups[i] == group && names[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace

bool looks_like_fma_tracks(const std::string& path) {
  CsvReader reader(path);
  std::vector<std::string> groups, names, ids;
  return reader.next(groups) && reader.next(names) && reader.next(ids) && !ids.empty() &&
         ids[0] == "track_id" && column(groups, names, "track", "genre_top") >= 0;
}

Dataset read_fma_tracks(const FmaOptions& o) {
  const std::string& path = o.tracks_csv;
  std::error_code ec;
  if (o.audio_dir.empty())
    throw Error("fma", path, "needs the audio folder too (--audio fma_small/ or similar)");
  if (!fs::is_directory(o.audio_dir, ec)) throw Error("fma", o.audio_dir, "not a directory");
  const std::string subset = o.subset.empty() ? subset_of_folder(o.audio_dir) : o.subset;
  if (subset.empty())
    throw Error("fma", o.audio_dir,
                "cannot tell the subset from the folder name (fma_small, fma_medium, fma_large, "
                "fma_full); give --subset small|medium|large");
  const int rank = subset_rank(subset);
  if (rank < 0) throw Error("fma", subset, "unknown subset (expected small, medium or large)");

  CsvReader reader(path);
  auto fail = [&](const std::string& cause) -> Error {
    return Error("fma", path, "row " + std::to_string(reader.row()) + ": " + cause);
  };
  std::vector<std::string> groups, names, ids;
  if (!reader.next(groups) || !reader.next(names) || !reader.next(ids) || ids.empty() ||
      ids[0] != "track_id")
    throw Error("fma", path, "not FMA's tracks.csv (three header rows, the third 'track_id')");
  const int c_genre = column(groups, names, "track", "genre_top");
  const int c_subset = column(groups, names, "set", "subset");
  const int c_split = column(groups, names, "set", "split");
  if (c_genre < 0 || c_subset < 0 || c_split < 0)
    throw Error("fma", path, "missing a column: track/genre_top, set/subset or set/split");

  struct Track {
    std::string rel_path, label, split;
  };
  std::vector<Track> tracks;
  std::set<std::string> labels;
  Dataset data;
  const fs::path audio = fs::absolute(o.audio_dir, ec).lexically_normal();
  std::vector<std::string> f;
  while (reader.next(f)) {
    if (f.size() != names.size())
      throw fail(std::to_string(f.size()) + " fields, but the header has " +
                 std::to_string(names.size()));
    std::size_t used = 0;
    long id = -1;
    try {
      id = std::stol(f[0], &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != f[0].size() || id < 0 || id > 999999)
      throw fail("track_id '" + f[0] + "' is not a number of up to 6 digits");
    const std::string& track_subset = f[static_cast<std::size_t>(c_subset)];
    const int track_rank = subset_rank(track_subset);
    if (track_rank < 0) throw fail("unknown set/subset '" + track_subset + "'");
    if (track_rank > rank) continue;  // not in the chosen subset
    const std::string& genre = f[static_cast<std::size_t>(c_genre)];
    if (genre.empty()) {
      ++data.n_unlabelled;
      continue;
    }
    const std::string& s = f[static_cast<std::size_t>(c_split)];
    std::string split;
    if (s == "training")
      split = "train";
    else if (s == "validation")
      split = "valid";
    else if (s == "test")
      split = "test";
    else
      throw fail("unknown set/split '" + s + "' (expected training, validation or test)");
    char rel[16];
    std::snprintf(rel, sizeof rel, "%03ld/%06ld.mp3", id / 1000, id);
    tracks.push_back(Track{rel, genre, split});
  }

  data.root = audio.string();
  for (const Track& t : tracks)
    if (fs::is_regular_file(audio / t.rel_path, ec)) labels.insert(t.label);
  data.labels.assign(labels.begin(), labels.end());
  for (const Track& t : tracks) {
    const fs::path file = audio / t.rel_path;
    if (!fs::is_regular_file(file, ec)) {
      spdlog::warn("skipped '{}' (FMA {} track): file not found in '{}'", t.rel_path, subset,
                   o.audio_dir);
      data.skipped.push_back(SkippedSong{t.rel_path, "file not found"});
      continue;
    }
    const int label = static_cast<int>(
        std::lower_bound(data.labels.begin(), data.labels.end(), t.label) - data.labels.begin());
    data.songs.push_back(Song{file.string(), t.rel_path, label, t.split});
  }
  std::sort(data.songs.begin(), data.songs.end(),
            [](const Song& a, const Song& b) { return a.rel_path < b.rel_path; });
  for (std::size_t i = 1; i < data.songs.size(); ++i)
    if (data.songs[i].rel_path == data.songs[i - 1].rel_path)
      throw Error("fma", path, "track " + data.songs[i].rel_path + " is listed twice");
  if (data.n_unlabelled > 0)
    spdlog::info("FMA {}: {} tracks without genre_top left out", subset, data.n_unlabelled);
  return data;
}

}  // namespace genrec
