#include "report/metrics.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "audio/error.h"
#include "report/predict_format.h"

namespace genrec {

ConfusionMatrix::ConfusionMatrix(std::vector<std::string> labels)
    : labels_(std::move(labels)), counts_(labels_.size() * labels_.size(), 0) {}

void ConfusionMatrix::add(int truth, int predicted, std::int64_t count) {
  if (truth < 0 || truth >= n() || predicted < 0 || predicted >= n())
    throw Error("metrics", "confusion matrix", "label index out of range");
  counts_[static_cast<std::size_t>(truth) * labels_.size() + predicted] += count;
}

std::int64_t ConfusionMatrix::at(int truth, int predicted) const {
  return counts_[static_cast<std::size_t>(truth) * labels_.size() + predicted];
}

std::int64_t ConfusionMatrix::total() const {
  std::int64_t t = 0;
  for (std::int64_t c : counts_) t += c;
  return t;
}

std::int64_t ConfusionMatrix::row_total(int truth) const {
  std::int64_t t = 0;
  for (int j = 0; j < n(); ++j) t += at(truth, j);
  return t;
}

std::int64_t ConfusionMatrix::column_total(int predicted) const {
  std::int64_t t = 0;
  for (int i = 0; i < n(); ++i) t += at(i, predicted);
  return t;
}

Metrics compute_metrics(const ConfusionMatrix& cm) {
  Metrics m;
  std::int64_t correct = 0;
  double f1_sum = 0;
  int f1_count = 0;
  for (int c = 0; c < cm.n(); ++c) {
    ClassMetrics k;
    k.label = cm.labels()[c];
    const std::int64_t tp = cm.at(c, c);
    const std::int64_t predicted = cm.column_total(c);
    k.support = cm.row_total(c);
    k.precision = predicted > 0 ? static_cast<double>(tp) / predicted : 0.0;
    k.recall = k.support > 0 ? static_cast<double>(tp) / k.support : 0.0;
    k.f1 = k.precision + k.recall > 0 ? 2 * k.precision * k.recall / (k.precision + k.recall) : 0;
    if (k.support > 0) {
      f1_sum += k.f1;
      ++f1_count;
    } else {
      m.no_support.push_back(k.label);
    }
    correct += tp;
    m.per_class.push_back(k);
  }
  const std::int64_t total = cm.total();
  m.accuracy = total > 0 ? static_cast<double>(correct) / total : 0.0;
  m.macro_f1 = f1_count > 0 ? f1_sum / f1_count : 0.0;
  return m;
}

void write_confusion_text(std::ostream& out, const ConfusionMatrix& cm, bool percent) {
  std::size_t label_w = 9;  // "true\pred"
  for (const std::string& l : cm.labels()) label_w = std::max(label_w, l.size());
  std::size_t cell_w = percent ? 6 : 4;
  for (const std::string& l : cm.labels()) cell_w = std::max(cell_w, l.size());
  for (int i = 0; i < cm.n(); ++i)
    for (int j = 0; j < cm.n(); ++j) cell_w = std::max(cell_w, std::to_string(cm.at(i, j)).size());
  out << std::left << std::setw(static_cast<int>(label_w)) << "true\\pred";
  for (const std::string& l : cm.labels())
    out << "  " << std::right << std::setw(static_cast<int>(cell_w)) << l;
  out << "\n";
  for (int i = 0; i < cm.n(); ++i) {
    out << std::left << std::setw(static_cast<int>(label_w)) << cm.labels()[i];
    const std::int64_t row = cm.row_total(i);
    for (int j = 0; j < cm.n(); ++j) {
      std::ostringstream cell;
      if (percent)
        cell << std::fixed << std::setprecision(1) << (row > 0 ? 100.0 * cm.at(i, j) / row : 0.0)
             << "%";
      else
        cell << cm.at(i, j);
      out << "  " << std::right << std::setw(static_cast<int>(cell_w)) << cell.str();
    }
    out << "\n";
  }
}

void write_confusion_csv(std::ostream& out, const ConfusionMatrix& cm) {
  out << "true\\pred";
  for (const std::string& l : cm.labels()) out << "," << csv_field(l);
  out << "\n";
  for (int i = 0; i < cm.n(); ++i) {
    out << csv_field(cm.labels()[i]);
    for (int j = 0; j < cm.n(); ++j) out << "," << cm.at(i, j);
    out << "\n";
  }
}

nlohmann::json confusion_json(const ConfusionMatrix& cm) {
  nlohmann::json rows = nlohmann::json::array();
  for (int i = 0; i < cm.n(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (int j = 0; j < cm.n(); ++j) row.push_back(cm.at(i, j));
    rows.push_back(row);
  }
  return {{"labels", cm.labels()}, {"matrix", rows}};
}

nlohmann::json metrics_json(const Metrics& m) {
  nlohmann::json per = nlohmann::json::array();
  for (const ClassMetrics& k : m.per_class)
    per.push_back({{"label", k.label},
                   {"precision", k.precision},
                   {"recall", k.recall},
                   {"f1", k.f1},
                   {"support", k.support}});
  return {{"accuracy", m.accuracy},
          {"macro_f1", m.macro_f1},
          {"no_support", m.no_support},
          {"per_class", per}};
}

void write_metrics_text(std::ostream& out, const Metrics& m) {
  std::size_t w = 5;
  for (const ClassMetrics& k : m.per_class) w = std::max(w, k.label.size());
  auto num = [](double v) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(3) << v;
    return os.str();
  };
  out << std::left << std::setw(static_cast<int>(w)) << "genre" << std::right << std::setw(11)
      << "precision" << std::setw(8) << "recall" << std::setw(8) << "f1" << std::setw(9)
      << "support\n";
  for (const ClassMetrics& k : m.per_class) {
    out << std::left << std::setw(static_cast<int>(w)) << k.label << std::right << std::setw(11)
        << num(k.precision);
    if (k.support > 0)
      out << std::setw(8) << num(k.recall) << std::setw(8) << num(k.f1);
    else
      out << std::setw(8) << "-" << std::setw(8) << "-";
    out << std::setw(8) << k.support << "\n";
  }
  out << std::left << std::setw(static_cast<int>(w)) << "macro F1" << std::right << std::setw(27)
      << num(m.macro_f1) << "\n";
  out << std::left << std::setw(static_cast<int>(w)) << "accuracy" << std::right << std::setw(27)
      << num(m.accuracy) << "\n";
  if (!m.no_support.empty()) {
    out << "no support (no true songs; left out of macro F1):";
    for (const std::string& l : m.no_support) out << " " << l;
    out << "\n";
  }
}

}  // namespace genrec
