#pragma once
// Features of many files: whole files or fixed pieces (the Kaggle features_3_sec.csv layout),
// decoded and resampled to the feature rate, on a pool of worker threads, rows in input order.
// A file that fails is reported with its error; the others are still computed.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "features/extractor.h"
#include "features/features_csv.h"

namespace genrec {

struct FeatureBatchOptions {
  FeatureOptions features;
  double segment_seconds = 0.0;  // 0: one row per file; > 0: one row per piece of this length
  int threads = 1;
};

struct FileFeatures {
  std::string path;
  std::vector<FeatureRow> rows;
  std::string error;  // empty on success; else "stage: 'file': cause"
};

// Samples in one piece: round(seconds * sample_rate) - 1, the Kaggle 3 s file's `length`
// (66149 at 3 s, 22050 Hz); pieces start every round(seconds * sample_rate) samples.
std::size_t piece_samples(double seconds, int sample_rate);
// Name of piece `index` of a file, as in the Kaggle 3 s CSV: blues.00000.wav -> blues.00000.3.wav.
std::string piece_filename(const std::string& filename, std::size_t index);
// The genre label of a file: its folder's name when that is a GTZAN genre or the file's name
// starts with it ("<genre>/<genre>.00042.wav"); otherwise empty.
std::string genre_label(const std::string& path);

// Rows of one file, streamed from disk: one row for the whole file, or one per full piece (a
// file shorter than one piece gives one row of all its samples; a trailing partial piece is
// dropped). Throws genrec::Error (naming the file) when it cannot be read.
std::vector<FeatureRow> file_features(const std::string& path, const FeatureBatchOptions& options,
                                      FeatureExtractor& extractor);

// file_features of each path on options.threads workers (one extractor each); results in the
// order of `paths`. `progress(done, total)` is called, serialised, after each file.
std::vector<FileFeatures> batch_features(
    const std::vector<std::string>& paths, const FeatureBatchOptions& options,
    const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace genrec
