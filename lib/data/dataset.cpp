#include "data/dataset.h"

#include <algorithm>
#include <filesystem>

#include "audio/error.h"
#include "audio/input_list.h"

namespace genrec {
namespace fs = std::filesystem;
namespace {

bool is_hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// Songs of DIR/<genre>/<file>: audio files directly inside each non-hidden genre folder.
Dataset scan_genre_folders(const fs::path& root) {
  Dataset data;
  data.root = root.string();
  std::error_code ec;
  std::vector<fs::path> genres;
  for (const fs::directory_entry& e : fs::directory_iterator(root, ec))
    if (e.is_directory(ec) && !is_hidden(e.path())) genres.push_back(e.path());
  std::sort(genres.begin(), genres.end());
  for (const fs::path& g : genres) {
    std::vector<std::string> files;
    for (const fs::directory_entry& e : fs::directory_iterator(g, ec))
      if (e.is_regular_file(ec) && !is_hidden(e.path()) && has_audio_extension(e.path().string()))
        files.push_back(e.path().filename().string());
    if (files.empty()) continue;  // not a genre folder (a label needs at least one song)
    std::sort(files.begin(), files.end());
    const int label = static_cast<int>(data.labels.size());
    const std::string genre = g.filename().string();
    data.labels.push_back(genre);
    for (const std::string& f : files)
      data.songs.push_back(Song{(g / f).string(), genre + "/" + f, label, ""});
  }
  // Labels are sorted and rel_paths start with the label, so songs are sorted by rel_path.
  std::sort(data.songs.begin(), data.songs.end(),
            [](const Song& a, const Song& b) { return a.rel_path < b.rel_path; });
  return data;
}

}  // namespace

Dataset scan_dataset(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error("data", dir, "not a directory");
  fs::path root = fs::absolute(dir, ec).lexically_normal();  // stable cache keys
  if (!root.has_filename() && root.has_parent_path()) root = root.parent_path();  // "x/" -> "x"
  // Kaggle layout, then the original GTZAN layout, then genre folders directly under DIR.
  for (const char* sub : {"genres_original", "genres"}) {
    if (fs::is_directory(root / sub, ec)) {
      Dataset data = scan_genre_folders(root / sub);
      if (data.songs.empty())
        throw Error("data", dir, std::string("no audio files in '") + sub + "/<genre>/'");
      return data;
    }
  }
  Dataset data = scan_genre_folders(root);
  if (data.songs.empty())
    throw Error("data", dir,
                "no audio found: expected DIR/genres_original/<genre>/*.wav, "
                "DIR/genres/<genre>/*.au or DIR/<genre>/<audio files>");
  return data;
}

int find_song(const Dataset& data, const std::string& rel_path) {
  auto it = std::lower_bound(data.songs.begin(), data.songs.end(), rel_path,
                             [](const Song& s, const std::string& r) { return s.rel_path < r; });
  if (it == data.songs.end() || it->rel_path != rel_path) return -1;
  return static_cast<int>(it - data.songs.begin());
}

}  // namespace genrec
