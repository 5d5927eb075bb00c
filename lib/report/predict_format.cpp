#include "report/predict_format.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>

#include "audio/error.h"
#include "genrec_version.h"
#include "report/text_escape.h"

namespace genrec {
namespace {

// Label indices sorted by probability, highest first (stable for ties).
std::vector<int> ranked(const std::vector<float>& p) {
  std::vector<int> idx(p.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return p[a] > p[b]; });
  return idx;
}

// Probabilities printed with 4 decimals: enough to compare, short enough to read.
double round4(double v) { return std::round(v * 1e4) / 1e4; }

double round2(double v) { return std::round(v * 100) / 100; }

// The k likeliest labels as [{"genre", "p"}, ...], highest first.
nlohmann::ordered_json top_json(const std::vector<float>& probs,
                                const std::vector<std::string>& labels, int k) {
  const std::vector<int> order = ranked(probs);
  nlohmann::ordered_json top = nlohmann::ordered_json::array();
  const int n = std::clamp(k, 1, static_cast<int>(order.size()));
  for (int i = 0; i < n; ++i)
    top.push_back({{"genre", labels.at(order[i])}, {"p", round4(probs[order[i]])}});
  return top;
}

std::string fixed(double v, int decimals) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(decimals) << v;
  return os.str();
}

}  // namespace

PredictFormat parse_predict_format(const std::string& name) {
  if (name == "text") return PredictFormat::kText;
  if (name == "json") return PredictFormat::kJson;
  if (name == "jsonl") return PredictFormat::kJsonl;
  if (name == "csv") return PredictFormat::kCsv;
  throw Error("format", name, "unknown output format (use text, json, jsonl or csv)");
}

nlohmann::ordered_json prediction_json(const Prediction& p, const std::vector<std::string>& labels,
                                       const PredictFormatOptions& options) {
  nlohmann::ordered_json j;
  j["file"] = utf8_or_escaped(p.file);
  if (!p.ok()) {
    j["error"] = utf8_or_escaped(p.error);
    j["genrec_version"] = kVersion;
    return j;
  }
  const std::vector<int> order = ranked(p.probs);
  j["duration_s"] = round2(p.duration_s);
  j["genre"] = labels.at(static_cast<std::size_t>(order.front()));
  j["confidence"] = round4(p.probs[order.front()]);
  j["uncertain"] = p.uncertain;
  j["top"] = top_json(p.probs, labels, options.top_k);
  if (options.with_segments) {
    nlohmann::ordered_json segs = nlohmann::ordered_json::array();
    for (const SegmentPrediction& s : p.segments) {
      const int best = argmax(s.probs);
      segs.push_back({{"start_s", round2(s.start_s)},
                      {"end_s", round2(s.end_s)},
                      {"genre", labels.at(best)},
                      {"p", round4(s.probs[best])},
                      {"top", top_json(s.probs, labels, options.segment_top_k)}});
    }
    j["segments"] = std::move(segs);
  }
  if (!p.warning.empty()) j["warning"] = p.warning;
  j["genrec_version"] = kVersion;
  return j;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

PredictionWriter::PredictionWriter(std::ostream& out, PredictFormat format,
                                   std::vector<std::string> labels, PredictFormatOptions options)
    : out_(out), format_(format), labels_(std::move(labels)), options_(options) {}

void PredictionWriter::write(const Prediction& p) {
  switch (format_) {
    case PredictFormat::kJson: {
      const std::string body = prediction_json(p, labels_, options_).dump(2);
      if (!options_.json_array) {
        out_ << body << "\n";
        break;
      }
      // Indented one level inside the array: every line of the object gets two spaces.
      out_ << (n_written_ == 0 ? "[\n  " : ",\n  ");
      for (char c : body) out_ << c << (c == '\n' ? "  " : "");
      break;
    }
    case PredictFormat::kJsonl:
      out_ << prediction_json(p, labels_, options_).dump() << "\n";
      break;
    case PredictFormat::kCsv:
      write_csv(p);
      break;
    case PredictFormat::kText:
      write_text(p);
      break;
  }
  ++n_written_;
  out_.flush();
}

void PredictionWriter::finish() {
  if (format_ != PredictFormat::kJson || !options_.json_array) return;
  out_ << (n_written_ == 0 ? "[]\n" : "\n]\n");
  out_.flush();
}

void PredictionWriter::write_csv(const Prediction& p) {
  const bool per_segment = options_.with_segments;
  if (n_written_ == 0) {
    out_ << (per_segment ? "file,start_s,end_s,genre,confidence" : "file,genre,confidence");
    for (const std::string& l : labels_) out_ << "," << csv_field(l);
    out_ << ",uncertain,error\n";
  }
  const std::size_t n_empty = labels_.size() + (per_segment ? 5 : 3);
  if (!p.ok()) {
    out_ << csv_field(utf8_or_escaped(p.file)) << std::string(n_empty, ',') << ","
         << csv_field(utf8_or_escaped(p.error)) << "\n";
    return;
  }
  auto row = [&](const std::string& times, const std::vector<float>& probs) {
    const int best = argmax(probs);
    out_ << csv_field(utf8_or_escaped(p.file)) << times << "," << csv_field(labels_.at(best)) << ","
         << fixed(probs[best], 4);
    for (float v : probs) out_ << "," << fixed(v, 4);
    out_ << "," << (p.uncertain ? "true" : "false") << ",\n";
  };
  if (!per_segment) {
    row("", p.probs);
    return;
  }
  for (const SegmentPrediction& s : p.segments)
    row("," + fixed(s.start_s, 2) + "," + fixed(s.end_s, 2), s.probs);
}

void PredictionWriter::write_text(const Prediction& p) {
  if (!p.ok()) {
    out_ << printable(p.file) << "  error: " << printable(p.error) << "\n";
    return;
  }
  const std::vector<int> order = ranked(p.probs);
  const int k = std::clamp(options_.top_k, 1, static_cast<int>(order.size()));
  // "<genre> <pct>" columns of fixed width, then the file: aligned across lines.
  std::size_t w = 0;
  for (const std::string& l : labels_) w = std::max(w, l.size());
  for (int i = 0; i < k; ++i)
    out_ << std::left << std::setw(static_cast<int>(w)) << labels_.at(order[i]) << std::right
         << std::setw(7) << fixed(100.0 * p.probs[order[i]], 1) + "%"
         << "   ";
  out_ << std::right << std::setw(7) << fixed(p.duration_s, 1) + "s"
       << "   " << printable(p.file) << (p.uncertain ? "   [uncertain]" : "") << "\n";
  if (!p.warning.empty()) out_ << "  warning: " << p.warning << "\n";
  if (options_.with_segments)
    for (const SegmentPrediction& s : p.segments) {
      const int best = argmax(s.probs);
      out_ << "  " << std::right << std::setw(7) << fixed(s.start_s, 1) << "-" << std::left
           << std::setw(7) << fixed(s.end_s, 1) << std::setw(10) << labels_.at(best) << std::right
           << std::setw(5) << fixed(100.0 * s.probs[best], 1) << "%\n";
    }
}

}  // namespace genrec
