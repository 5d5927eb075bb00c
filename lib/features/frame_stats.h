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

}  // namespace genrec
