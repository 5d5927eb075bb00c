#include "features/frame_stats.h"

namespace genrec {
namespace {
template <typename T>
MeanVar two_pass(const T* x, std::size_t n, std::size_t stride) {
  MeanVar r;
  if (n == 0) return r;
  // Two passes in double: numpy's var also subtracts the mean first (no E[x^2] - E[x]^2).
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(x[i * stride]);
  r.mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i * stride]) - r.mean;
    ss += d * d;
  }
  r.var = ss / static_cast<double>(n);
  return r;
}
}  // namespace

MeanVar mean_var(const float* x, std::size_t n, std::size_t stride) {
  return two_pass(x, n, stride);
}
MeanVar mean_var(const double* x, std::size_t n, std::size_t stride) {
  return two_pass(x, n, stride);
}

}  // namespace genrec
