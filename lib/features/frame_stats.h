#pragma once
// Mean and variance over frames: the two statistics behind every column of the Kaggle GTZAN
// feature CSVs (numpy's x.mean() and x.var(), ddof=0).
#include <cstddef>

namespace genrec {

struct MeanVar {
  double mean = 0.0;
  double var = 0.0;
};

// Mean and population variance (ddof=0) of n values read with `stride`; n = 0 gives zeros.
MeanVar mean_var(const float* x, std::size_t n, std::size_t stride = 1);
MeanVar mean_var(const double* x, std::size_t n, std::size_t stride = 1);

// The same statistics accumulated block by block (Chan et al.'s pairwise update, in double),
// so a long input never has to be held: equal to mean_var() of all values to ~1e-15 relative.
class RunningMeanVar {
 public:
  void add(const float* x, std::size_t n, std::size_t stride = 1);
  void add(const double* x, std::size_t n, std::size_t stride = 1);
  // n copies of the same value (e.g. the zero tail of a signal).
  void add_repeated(double value, std::size_t n);
  std::size_t count() const { return count_; }
  MeanVar result() const;

 private:
  void merge(std::size_t n, double mean, double m2);
  std::size_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // sum of squared deviations from mean_
};

}  // namespace genrec
