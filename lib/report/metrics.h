#pragma once
// Classification metrics for `genrec eval`: accuracy, per-class precision/recall/F1,
// macro F1 and the confusion matrix (rows = true label, columns = predicted label).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace genrec {

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(std::vector<std::string> labels);
  void add(int truth, int predicted, std::int64_t count = 1);  // throws on out-of-range labels

  const std::vector<std::string>& labels() const { return labels_; }
  int n() const { return static_cast<int>(labels_.size()); }
  std::int64_t at(int truth, int predicted) const;
  std::int64_t total() const;
  std::int64_t row_total(int truth) const;
  std::int64_t column_total(int predicted) const;

 private:
  std::vector<std::string> labels_;
  std::vector<std::int64_t> counts_;  // [truth][predicted]
};

struct ClassMetrics {
  std::string label;
  double precision = 0;  // 0 when nothing was predicted as this class
  double recall = 0;     // 0 when the class has no true samples
  double f1 = 0;
  std::int64_t support = 0;  // true samples of the class
};

struct Metrics {
  double accuracy = 0;
  double macro_f1 = 0;                  // mean F1 over classes with support > 0
  std::vector<std::string> no_support;  // classes without true samples (not in macro_f1)
  std::vector<ClassMetrics> per_class;
};

Metrics compute_metrics(const ConfusionMatrix& cm);

// Aligned text table with row/column labels and counts; `percent` shows row-normalised %.
void write_confusion_text(std::ostream& out, const ConfusionMatrix& cm, bool percent);
// CSV: header "true\\pred,<labels>", one row per true label.
void write_confusion_csv(std::ostream& out, const ConfusionMatrix& cm);
nlohmann::json confusion_json(const ConfusionMatrix& cm);
nlohmann::json metrics_json(const Metrics& m);
// Aligned per-class precision/recall/F1/support table plus macro F1 and accuracy.
void write_metrics_text(std::ostream& out, const Metrics& m);

}  // namespace genrec
