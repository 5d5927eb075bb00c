#pragma once
// A labelled audio dataset on disk: one folder per genre, the label is the folder name.
// Data flow of lib/data: scan_dataset -> make_split (by song) -> FeatureCache (whole-clip
// log-Mel per song, float16) -> cut_segment (training windows). Torch-free.
#include <string>
#include <vector>

namespace genrec {

struct Song {
  std::string path;      // full path of the audio file
  std::string rel_path;  // "<genre>/<file>", as in the public split lists: "blues/blues.00000.wav"
  int label = -1;        // index into Dataset::labels
};

struct Dataset {
  std::string root;                 // the directory that holds the genre folders
  std::vector<std::string> labels;  // sorted folder names (folders holding at least one audio file)
  std::vector<Song> songs;          // sorted by rel_path
};

// Accepts DIR/genres_original/<genre>/*.wav (Kaggle), DIR/genres/<genre>/*.au (original) or
// DIR/<genre>/* (any audio extension), tried in that order; files directly in a genre folder.
// Throws genrec::Error("data", dir, cause) when no layout matches or no audio is found.
Dataset scan_dataset(const std::string& dir);

// Index of the song with this rel_path in data.songs, or -1.
int find_song(const Dataset& data, const std::string& rel_path);

}  // namespace genrec
