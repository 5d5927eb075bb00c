#pragma once
// The one definition of how predictions are printed, shared by `genrec predict` and the
// web API: text (aligned line per file), json (one object, or an array of them for a batch),
// jsonl, csv (one row per file, or per segment; its "uncertain" column is the file's flag).
// Text marks an uncertain answer with "[uncertain]" at the end of its line.
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
  int segment_top_k = 3;       // entries in each segment's "top"
  bool with_segments = false;  // the per-segment timeline (csv: one row per segment)
  bool json_array = false;     // json: the inputs' objects as one array (a batch of inputs)
};

// SPEC's predict object, keys in SPEC's order: {"file", "duration_s", "genre", "confidence",
// "uncertain" (the confidence is below the model's calibrated threshold), "top":
// [...], "segments": [{"start_s", "end_s", "genre", "p", "top": [...]}, ...], "genrec_version"}
// or {"file", "error", "genrec_version"} for a failed input. The CLI and the web API print it.
nlohmann::ordered_json prediction_json(const Prediction& p, const std::vector<std::string>& labels,
                                       const PredictFormatOptions& options);

// Streams predictions as they come, in input order; finish() closes a json array.
class PredictionWriter {
 public:
  PredictionWriter(std::ostream& out, PredictFormat format, std::vector<std::string> labels,
                   PredictFormatOptions options);
  void write(const Prediction& p);
  void finish();

 private:
  std::ostream& out_;
  PredictFormat format_;
  std::vector<std::string> labels_;
  PredictFormatOptions options_;
  std::size_t n_written_ = 0;
  void write_csv(const Prediction& p);
  void write_text(const Prediction& p);
};

// RFC 4180 quoting for one CSV field (quotes when it holds a comma, quote or newline).
std::string csv_field(const std::string& s);

}  // namespace genrec
