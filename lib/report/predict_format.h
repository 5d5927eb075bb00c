#pragma once
// The one definition of how predictions are printed, shared by `genrec predict` and the
// web API: text (aligned line per file), json (one object per input), jsonl, csv.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "report/prediction.h"

namespace genrec {

enum class PredictFormat { kText, kJson, kJsonl, kCsv };

// Parses "text|json|jsonl|csv"; throws genrec::Error("format", name, ...) otherwise.
PredictFormat parse_predict_format(const std::string& name);

struct PredictFormatOptions {
  int top_k = 3;               // entries in "top" (and in the text line)
  bool with_segments = false;  // the per-segment timeline
};

// SPEC's predict object, keys in SPEC's order: {"file", "duration_s", "genre", "confidence", "top":
// [...], "segments": [...]} or {"file", "error"} for a failed input.
nlohmann::ordered_json prediction_json(const Prediction& p, const std::vector<std::string>& labels,
                                       const PredictFormatOptions& options);

// Streams predictions as they come, in input order.
class PredictionWriter {
 public:
  PredictionWriter(std::ostream& out, PredictFormat format, std::vector<std::string> labels,
                   PredictFormatOptions options);
  void write(const Prediction& p);

 private:
  std::ostream& out_;
  PredictFormat format_;
  std::vector<std::string> labels_;
  PredictFormatOptions options_;
  bool header_done_ = false;
};

// RFC 4180 quoting for one CSV field (quotes when it holds a comma, quote or newline).
std::string csv_field(const std::string& s);

}  // namespace genrec
