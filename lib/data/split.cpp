#include "data/split.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "audio/error.h"

namespace genrec {
namespace fs = std::filesystem;
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Uniform integer in [0, bound) by rejection: std::mt19937_64's output is fixed by the
// standard, unlike std::uniform_int_distribution's, so splits are the same on every platform.
std::uint64_t draw(std::mt19937_64& rng, std::uint64_t bound) {
  const std::uint64_t limit = rng.max() - rng.max() % bound;
  std::uint64_t x;
  do x = rng();
  while (x >= limit);
  return x % bound;
}

std::vector<std::vector<int>> songs_by_genre(const Dataset& data) {
  std::vector<std::vector<int>> by(data.labels.size());
  for (std::size_t i = 0; i < data.songs.size(); ++i) {
    const int label = data.songs[i].label;
    if (label < 0 || label >= static_cast<int>(by.size()))
      throw Error("split", data.songs[i].rel_path, "label out of range");
    by[static_cast<std::size_t>(label)].push_back(static_cast<int>(i));
  }
  return by;
}

// The folder above a song's genre folder ("root/blues/x.wav" -> "root"): songs of one
// dataset given with --data share it.
std::string source_folder(const std::string& path) {
  return std::filesystem::path(path).parent_path().parent_path().string();
}

void sort_parts(Split& s) {
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.valid.begin(), s.valid.end());
  std::sort(s.test.begin(), s.test.end());
}

double parse_fraction(const std::string& text, const std::string& spec) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !(v >= 0 && v <= 1))
    throw Error("split", spec, "'" + text + "' is not a fraction in [0, 1]");
  return v;
}

int parse_int(const std::string& text, const std::string& spec) {
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw Error("split", spec, "'" + text + "' is not an integer");
  return v;
}

Split stratified_split(const Dataset& data, const std::string& spec, const std::string& args,
                       std::uint64_t seed) {
  std::vector<std::string> parts;
  std::stringstream ss(args);
  for (std::string p; std::getline(ss, p, '/');) parts.push_back(p);
  if (parts.size() != 3) throw Error("split", spec, "expected song:TRAIN/VALID/TEST");
  const double f_train = parse_fraction(parts[0], spec);
  const double f_valid = parse_fraction(parts[1], spec);
  const double f_test = parse_fraction(parts[2], spec);
  if (std::abs(f_train + f_valid + f_test - 1.0) > 1e-6)
    throw Error("split", spec, "fractions must sum to 1");

  Split split;
  std::mt19937_64 rng(seed);
  for (std::vector<int>& songs : songs_by_genre(data)) {
    for (std::size_t i = songs.size(); i > 1; --i)  // Fisher-Yates
      std::swap(songs[i - 1], songs[draw(rng, i)]);
    const std::size_t n = songs.size();
    std::size_t n_valid = static_cast<std::size_t>(std::floor(n * f_valid + 0.5));
    std::size_t n_test = static_cast<std::size_t>(std::floor(n * f_test + 0.5));
    // Keep at least one training song per genre when training gets a share at all.
    while (f_train > 0 && n > 0 && n_valid + n_test >= n) {
      if (n_valid >= n_test && n_valid > 0)
        --n_valid;
      else if (n_test > 0)
        --n_test;
      else
        break;
    }
    n_test = std::min(n_test, n);
    n_valid = std::min(n_valid, n - n_test);
    split.test.insert(split.test.end(), songs.begin(), songs.begin() + n_test);
    split.valid.insert(split.valid.end(), songs.begin() + n_test, songs.begin() + n_test + n_valid);
    split.train.insert(split.train.end(), songs.begin() + n_test + n_valid, songs.end());
  }
  sort_parts(split);
  return split;
}

// Lines of every DIR/<prefix>*.txt, sorted by file name.
std::vector<std::string> read_lists(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file(ec) && starts_with(name, prefix) && e.path().extension() == ".txt")
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> lines;
  for (const fs::path& f : files) {
    std::ifstream in(f);
    if (!in) throw Error("split", f.string(), "cannot read list file");
    for (std::string line; std::getline(in, line);) {
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
        line.pop_back();
      std::size_t b = 0;
      while (b < line.size() && std::isspace(static_cast<unsigned char>(line[b]))) ++b;
      line.erase(0, b);
      if (line.empty() || line[0] == '#') continue;
      lines.push_back(line);
    }
  }
  return lines;
}

Split list_split(const Dataset& data, const std::string& spec, const std::string& dir) {
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec))
    throw Error("split", spec, "'" + dir + "' is not a directory");
  Split split;
  std::vector<int> part_of(data.songs.size(), -1);
  std::vector<int>* parts[] = {&split.train, &split.valid, &split.test};
  const char* names[] = {"train", "valid", "test"};
  bool any_list = false;
  for (int p = 0; p < 3; ++p) {
    const std::vector<std::string> lines = read_lists(dir, names[p]);
    any_list = any_list || !lines.empty();
    for (const std::string& rel : lines) {
      const int song = find_song(data, rel);
      if (song < 0) {
        ++split.n_listed_missing;
        continue;
      }
      int& owner = part_of[static_cast<std::size_t>(song)];
      if (owner == p) continue;  // listed twice in one part
      if (owner >= 0)
        throw Error("split", spec,
                    "'" + rel + "' is listed in both " + names[owner] + " and " + names[p]);
      owner = p;
      parts[p]->push_back(song);
    }
  }
  if (!any_list) throw Error("split", spec, "no train*.txt, valid*.txt or test*.txt lists");
  split.n_unlisted = static_cast<std::size_t>(std::count(part_of.begin(), part_of.end(), -1));
  if (split.n_listed_missing > 0)
    spdlog::warn("split {}: {} listed songs are not in the dataset; ignored", spec,
                 split.n_listed_missing);
  if (split.n_unlisted > 0)
    spdlog::info("split {}: {} songs of the dataset are in no list; left out", spec,
                 split.n_unlisted);
  sort_parts(split);
  return split;
}

Split fold_from_spec(const Dataset& data, const std::string& spec, const std::string& args) {
  const std::size_t slash = args.find('/');
  if (slash == std::string::npos) throw Error("split", spec, "expected fold:K/N");
  return fold_split(data, parse_int(args.substr(0, slash), spec),
                    parse_int(args.substr(slash + 1), spec));
}

// The split the data carries: manifests' split column, FMA's set/split.
Split column_split(const Dataset& data, const std::string& spec) {
  Split split;
  for (std::size_t i = 0; i < data.songs.size(); ++i) {
    const std::string& part = data.songs[i].split;
    const int song = static_cast<int>(i);
    if (part == "train")
      split.train.push_back(song);
    else if (part == "valid")
      split.valid.push_back(song);
    else if (part == "test")
      split.test.push_back(song);
    else
      ++split.n_unlisted;
  }
  if (split.n_unlisted == data.songs.size())
    throw Error("split", spec,
                "no song carries a split (a manifest's 'split' column or FMA's set/split)");
  if (split.n_unlisted > 0)
    spdlog::info("split {}: {} songs without a split value; left out", spec, split.n_unlisted);
  return split;
}

}  // namespace

Split make_split(const Dataset& data, const std::string& spec, std::uint64_t seed) {
  Split split;
  if (spec.empty() || spec == "song") {
    split = stratified_split(data, spec, "0.8/0.1/0.1", seed);
  } else if (starts_with(spec, "song:")) {
    split = stratified_split(data, spec, spec.substr(5), seed);
  } else if (starts_with(spec, "lists:")) {
    split = list_split(data, spec, spec.substr(6));
  } else if (starts_with(spec, "fold:")) {
    split = fold_from_spec(data, spec, spec.substr(5));
  } else if (spec == "column") {
    split = column_split(data, spec);
  } else {
    throw Error("split", spec, "unknown split; expected song:F/F/F, lists:DIR, fold:K/N or column");
  }
  check_disjoint(split);
  return split;
}

Split fold_split(const Dataset& data, int k, int n_folds) {
  const std::string name = "fold:" + std::to_string(k) + "/" + std::to_string(n_folds);
  if (n_folds < 2) throw Error("split", name, "need at least 2 folds");
  if (k < 0 || k >= n_folds) throw Error("split", name, "fold index must be in [0, N)");
  Split split;
  for (const std::vector<int>& songs : songs_by_genre(data)) {
    // Within a genre, each source folder's songs (in dataset order) are cut into n contiguous
    // runs: song i of m goes to fold floor(i * n / m).
    std::map<std::string, std::vector<int>> by_source;
    std::vector<std::string> order;
    for (int song : songs) {
      const std::string source = source_folder(data.songs[static_cast<std::size_t>(song)].path);
      if (by_source.find(source) == by_source.end()) order.push_back(source);
      by_source[source].push_back(song);
    }
    for (const std::string& source : order) {
      const std::vector<int>& run = by_source[source];
      const std::size_t m = run.size();
      for (std::size_t i = 0; i < m; ++i)
        (static_cast<int>(i * static_cast<std::size_t>(n_folds) / m) == k ? split.test
                                                                          : split.train)
            .push_back(run[i]);
    }
  }
  sort_parts(split);
  return split;
}

void check_disjoint(const Split& split) {
  std::vector<std::pair<int, const char*>> all;
  for (int s : split.train) all.emplace_back(s, "train");
  for (int s : split.valid) all.emplace_back(s, "valid");
  for (int s : split.test) all.emplace_back(s, "test");
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < all.size(); ++i)
    if (all[i].first == all[i - 1].first)
      throw Error("split", "song " + std::to_string(all[i].first),
                  std::string("appears in both ") + all[i - 1].second + " and " + all[i].second);
}

std::vector<int> select_part(const Dataset& data, const std::string& spec_with_part,
                             std::uint64_t seed) {
  std::string spec = spec_with_part;
  std::string part = "test";
  const std::size_t colon = spec.rfind(':');
  if (colon != std::string::npos) {
    const std::string tail = spec.substr(colon + 1);
    const bool is_part = tail == "train" || tail == "valid" || tail == "test" || tail == "all";
    if (is_part && spec.substr(0, colon) != "lists") {  // "lists:test" names a directory
      part = tail;
      spec = spec.substr(0, colon);
    }
  }
  if (spec == "all" || part == "all") {
    if (spec != "all") make_split(data, spec, seed);  // still reject a malformed SPEC
    std::vector<int> every(data.songs.size());
    for (std::size_t i = 0; i < every.size(); ++i) every[i] = static_cast<int>(i);
    return every;
  }
  Split split = make_split(data, spec, seed);
  if (part == "train") return split.train;
  if (part == "valid") return split.valid;
  return split.test;
}

}  // namespace genrec
