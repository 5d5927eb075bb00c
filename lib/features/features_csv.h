#pragma once
// The Kaggle GTZAN feature CSV format: `filename,length,chroma_stft_mean,...,mfcc20_var,label`,
// numbers written as Python's repr() writes them (shortest round-trip), one row per clip/piece.
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "features/extractor.h"

namespace genrec {

struct FeatureRow {
  std::string filename;    // base name, e.g. blues.00000.wav or blues.00000.3.wav for a piece
  std::size_t length = 0;  // samples
  ClipFeatures features;
  std::string label;  // empty when unknown
};

// The header line (no newline) for n_mfcc coefficients.
std::string features_csv_header(int n_mfcc);
// One data line (no newline); text fields are quoted when they hold a comma or quote.
std::string features_csv_row(const FeatureRow& row);
// Header then one line per row, each ending in '\n'.
void write_features_csv(std::ostream& out, const std::vector<FeatureRow>& rows, int n_mfcc);
// A double as Python's repr(): shortest round-trip digits, fixed for 1e-4 <= |v| < 1e16
// ("123.0", "0.083"), else scientific ("7.78e-06"); "nan", "inf".
std::string format_number(double v);

}  // namespace genrec
