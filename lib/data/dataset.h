#pragma once
// A labelled audio dataset: songs with their label (and, from manifests and FMA, a split).
// Data flow of lib/data: load_dataset (folder trees, manifests, FMA tracks.csv; data_source.h)
// -> make_split (by song) -> FeatureCache (whole-clip log-Mel per song, float16, in shards on
// disk) -> cut_segment (training windows). Torch-free.
#include <cstddef>
#include <string>
#include <vector>

namespace genrec {

struct Song {
  std::string path;      // full path of the audio file
  std::string rel_path;  // "<genre>/<file>", as in the public split lists: "blues/blues.00000.wav";
                         // a manifest's path as written; FMA's "AAA/AAABBB.mp3"
  int label = -1;        // index into Dataset::labels
  std::string split;     // "train", "valid", "test" (manifest or FMA split column) or ""
};

struct SkippedSong {
  std::string rel_path;
  std::string cause;  // e.g. "file not found", or the decoder's error message
};

struct Dataset {
  std::string root;                  // the directory that holds the genre folders, the manifest,
                                     // or several of them joined by " + "
  std::vector<std::string> labels;   // sorted names (folders holding at least one audio file)
  std::vector<Song> songs;           // sorted by rel_path, rel_paths unique
  std::vector<SkippedSong> skipped;  // listed songs whose file is missing (already logged)
  std::size_t n_unlabelled = 0;      // FMA tracks of the subset without a genre_top (not listed)
};

// Accepts DIR/genres_original/<genre>/*.wav (Kaggle), DIR/genres/<genre>/*.au (original) or
// DIR/<genre>/* (any audio extension), tried in that order; files directly in a genre folder.
// Throws genrec::Error("data", dir, cause) when no layout matches or no audio is found.
Dataset scan_dataset(const std::string& dir);

// Index of the song with this rel_path in data.songs, or -1.
int find_song(const Dataset& data, const std::string& rel_path);

}  // namespace genrec
