#include "data/manifest.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "audio/error.h"
#include "data/csv_reader.h"

namespace genrec {
namespace fs = std::filesystem;
namespace {

// Column index of `name` in the header (exact match after trimming spaces), or -1.
int column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string h = header[i];
    h.erase(0, h.find_first_not_of(' '));
    h.erase(h.find_last_not_of(' ') + 1);
    if (h == name) return static_cast<int>(i);
  }
  return -1;
}

struct Row {
  std::string rel_path, full_path, label, split;
};

}  // namespace

bool looks_like_manifest(const std::string& path) {
  CsvReader reader(path);
  std::vector<std::string> header;
  return reader.next(header) && column(header, "path") >= 0 && column(header, "label") >= 0;
}

Dataset read_manifest(const std::string& path) {
  CsvReader reader(path);
  auto fail = [&](const std::string& cause) -> Error {
    return Error("manifest", path, "row " + std::to_string(reader.row()) + ": " + cause);
  };
  std::vector<std::string> header;
  if (!reader.next(header)) throw Error("manifest", path, "empty file (expected a header row)");
  const int c_path = column(header, "path"), c_label = column(header, "label"),
            c_split = column(header, "split");
  if (c_path < 0 || c_label < 0)
    throw Error("manifest", path,
                "the header row (row 1) needs a 'path' and a 'label' column, e.g. "
                "path,label,split");
  std::error_code ec;
  const fs::path base = fs::absolute(fs::path(path), ec).parent_path();
  std::vector<Row> rows;
  std::map<std::string, std::size_t> first_row;  // full path -> row number
  std::set<std::string> all_labels;
  std::vector<std::string> fields;
  while (reader.next(fields)) {
    if (fields.size() != header.size())
      throw fail(std::to_string(fields.size()) + " fields, but the header has " +
                 std::to_string(header.size()));
    Row r;
    const std::string& written = fields[static_cast<std::size_t>(c_path)];
    r.label = fields[static_cast<std::size_t>(c_label)];
    if (written.empty()) throw fail("empty path");
    if (r.label.empty()) throw fail("empty label for '" + written + "'");
    if (c_split >= 0) {
      r.split = fields[static_cast<std::size_t>(c_split)];
      if (!r.split.empty() && r.split != "train" && r.split != "valid" && r.split != "test")
        throw fail("unknown split '" + r.split + "' for '" + written +
                   "' (expected train, valid, test or empty)");
    }
    const fs::path p = fs::path(written).lexically_normal();
    r.rel_path = p.generic_string();
    r.full_path = (p.is_absolute() ? p : (base / p).lexically_normal()).string();
    const auto [it, inserted] = first_row.emplace(r.full_path, reader.row());
    if (!inserted)
      throw fail("'" + written + "' is listed again (first at row " + std::to_string(it->second) +
                 ")");
    all_labels.insert(r.label);
    rows.push_back(std::move(r));
  }
  if (all_labels.size() < 2)
    throw Error("manifest", path,
                std::to_string(all_labels.size()) +
                    " label(s) in the label column; a classifier needs at least 2");

  Dataset data;
  data.root = fs::absolute(fs::path(path), ec).lexically_normal().string();
  std::set<std::string> labels;
  for (const Row& r : rows)
    if (fs::is_regular_file(r.full_path, ec)) labels.insert(r.label);
  data.labels.assign(labels.begin(), labels.end());
  for (Row& r : rows) {
    if (!fs::is_regular_file(r.full_path, ec)) {
      const std::string cause =
          fs::exists(r.full_path, ec) ? "not a regular file" : "file not found";
      spdlog::warn("skipped '{}' (manifest '{}'): {}", r.rel_path, path, cause);
      data.skipped.push_back(SkippedSong{r.rel_path, cause});
      continue;
    }
    const int label = static_cast<int>(
        std::lower_bound(data.labels.begin(), data.labels.end(), r.label) - data.labels.begin());
    data.songs.push_back(Song{r.full_path, r.rel_path, label, r.split});
  }
  std::sort(data.songs.begin(), data.songs.end(),
            [](const Song& a, const Song& b) { return a.rel_path < b.rel_path; });
  // Two spellings of one file are caught above; two files with one rel_path cannot occur
  // (rel_path determines the full path), so rel_paths are unique here.
  return data;
}

}  // namespace genrec
