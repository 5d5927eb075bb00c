#pragma once
// The Free Music Archive dataset as published (Defferrard et al. 2017): fma_metadata/tracks.csv
// with its three header rows (column group, column name, "track_id"), the label
// track/genre_top, set/subset (small ⊂ medium ⊂ large), set/split (training, validation, test),
// and the audio of track 2 at <audio_dir>/000/000002.mp3.
#include <string>

#include "data/dataset.h"

namespace genrec {

struct FmaOptions {
  std::string tracks_csv;  // fma_metadata/tracks.csv
  std::string audio_dir;   // fma_small/, fma_medium/, fma_large/ or fma_full/
  std::string subset;      // small | medium | large; empty: from audio_dir's folder name
};

// The tracks of the subset, labelled by genre_top; rel_path "AAA/AAABBB.mp3", split
// train/valid/test. Tracks without genre_top are counted in Dataset::n_unlabelled; tracks
// whose file is missing are skipped, named once in a warning and listed in Dataset::skipped.
// Throws genrec::Error("fma", path, cause) for a file not in this format, an unknown subset or
// split value (naming the row), or a subset that cannot be told from the folder name.
Dataset read_fma_tracks(const FmaOptions& options);

// True when the CSV file at `path` starts with FMA's three header rows.
bool looks_like_fma_tracks(const std::string& path);

}  // namespace genrec
