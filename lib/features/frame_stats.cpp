#include "features/frame_stats.h"

namespace genrec {
namespace {
// Two passes in double: numpy's var also subtracts the mean first (no E[x^2] - E[x]^2).
template <typename T>
void two_pass(const T* x, std::size_t n, std::size_t stride, double& mean, double& m2) {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(x[i * stride]);
  mean = sum / static_cast<double>(n);
  m2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i * stride]) - mean;
    m2 += d * d;
  }
}

template <typename T>
MeanVar whole(const T* x, std::size_t n, std::size_t stride) {
  MeanVar r;
  if (n == 0) return r;
  double m2 = 0.0;
  two_pass(x, n, stride, r.mean, m2);
  r.var = m2 / static_cast<double>(n);
  return r;
}
}  // namespace

MeanVar mean_var(const float* x, std::size_t n, std::size_t stride) { return whole(x, n, stride); }
MeanVar mean_var(const double* x, std::size_t n, std::size_t stride) { return whole(x, n, stride); }

void RunningMeanVar::merge(std::size_t n, double mean, double m2) {
  if (n == 0) return;
  if (count_ == 0) {
    count_ = n;
    mean_ = mean;
    m2_ = m2;
    return;
  }
  const double na = static_cast<double>(count_), nb = static_cast<double>(n);
  const double total = na + nb;
  const double delta = mean - mean_;
  mean_ += delta * (nb / total);
  m2_ += m2 + delta * delta * (na * nb / total);
  count_ += n;
}

void RunningMeanVar::add(const float* x, std::size_t n, std::size_t stride) {
  if (n == 0) return;
  double mean = 0.0, m2 = 0.0;
  two_pass(x, n, stride, mean, m2);
  merge(n, mean, m2);
}

void RunningMeanVar::add(const double* x, std::size_t n, std::size_t stride) {
  if (n == 0) return;
  double mean = 0.0, m2 = 0.0;
  two_pass(x, n, stride, mean, m2);
  merge(n, mean, m2);
}

void RunningMeanVar::add_repeated(double value, std::size_t n) { merge(n, value, 0.0); }

MeanVar RunningMeanVar::result() const {
  MeanVar r;
  if (count_ == 0) return r;
  r.mean = mean_;
  r.var = m2_ / static_cast<double>(count_);
  return r;
}

}  // namespace genrec
