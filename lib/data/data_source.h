#pragma once
// One or more datasets given on the command line (--data repeated), merged into one Dataset:
// folder trees (scan_dataset), manifests (*.csv, *.tsv; manifest.h) and FMA's tracks.csv
// (fma.h), in any mix. Labels are the union of the sources' labels, sorted.
#include <string>
#include <vector>

#include "data/dataset.h"

namespace genrec {

struct DataOptions {
  std::vector<std::string> paths;  // dataset folders, manifests or FMA tracks.csv files
  std::string audio_dir;           // FMA only: the folder of AAA/AAABBB.mp3 (--audio)
  std::string subset;              // FMA only: small | medium | large; empty: from audio_dir
};

// Loads each source and merges them. Throws genrec::Error("data", ...) when no source is
// given, a file is neither a manifest nor FMA's tracks.csv, or a rel_path occurs in two sources;
// and the sources' own errors.
Dataset load_dataset(const DataOptions& options);

// The sources as one line for logs and model files: "a + b".
std::string describe(const DataOptions& options);

// The folder that holds the first source (the folder itself, or a file's folder): where the
// feature cache goes by default.
std::string first_source_dir(const DataOptions& options);

}  // namespace genrec
