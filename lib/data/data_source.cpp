#include "data/data_source.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "audio/error.h"
#include "data/fma.h"
#include "data/manifest.h"

namespace genrec {
namespace fs = std::filesystem;
namespace {

Dataset load_one(const std::string& path, const DataOptions& o) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return scan_dataset(path);
  if (!fs::is_regular_file(path, ec)) throw Error("data", path, "no such file or directory");
  if (looks_like_manifest(path)) return read_manifest(path);
  if (looks_like_fma_tracks(path)) return read_fma_tracks(FmaOptions{path, o.audio_dir, o.subset});
  throw Error("data", path,
              "neither a dataset folder, a manifest (a header row with 'path' and 'label') nor "
              "FMA's tracks.csv");
}

// Songs of several datasets under the union of their labels, sorted by rel_path.
Dataset merge(std::vector<Dataset> parts, const std::vector<std::string>& sources) {
  Dataset all;
  for (const Dataset& d : parts)
    all.labels.insert(all.labels.end(), d.labels.begin(), d.labels.end());
  std::sort(all.labels.begin(), all.labels.end());
  all.labels.erase(std::unique(all.labels.begin(), all.labels.end()), all.labels.end());
  std::map<std::string, std::size_t> source_of;  // rel_path -> index into parts
  for (std::size_t p = 0; p < parts.size(); ++p) {
    Dataset& d = parts[p];
    all.root += (p ? " + " : "") + d.root;
    for (Song& s : d.songs) {
      const auto [it, inserted] = source_of.emplace(s.rel_path, p);
      if (!inserted)
        throw Error("data", s.rel_path,
                    "is in both '" + sources[it->second] + "' and '" + sources[p] +
                        "'; give the datasets distinct file names");
      const std::string& name = d.labels[static_cast<std::size_t>(s.label)];
      s.label = static_cast<int>(std::lower_bound(all.labels.begin(), all.labels.end(), name) -
                                 all.labels.begin());
      all.songs.push_back(std::move(s));
    }
    all.skipped.insert(all.skipped.end(), d.skipped.begin(), d.skipped.end());
    all.n_unlabelled += d.n_unlabelled;
  }
  std::sort(all.songs.begin(), all.songs.end(),
            [](const Song& a, const Song& b) { return a.rel_path < b.rel_path; });
  return all;
}

}  // namespace

Dataset load_dataset(const DataOptions& o) {
  if (o.paths.empty()) throw Error("data", "--data", "no dataset given");
  std::vector<Dataset> parts;
  for (const std::string& p : o.paths) parts.push_back(load_one(p, o));
  if (parts.size() == 1) return std::move(parts[0]);
  return merge(std::move(parts), o.paths);
}

std::string describe(const DataOptions& o) {
  std::string s;
  for (const std::string& p : o.paths) s += (s.empty() ? "" : " + ") + p;
  return s;
}

std::string first_source_dir(const DataOptions& o) {
  if (o.paths.empty()) return ".";
  std::error_code ec;
  const fs::path p(o.paths[0]);
  if (fs::is_directory(p, ec)) return p.string();
  return p.has_parent_path() ? p.parent_path().string() : ".";
}

}  // namespace genrec
