#pragma once
// The softmax of k logits, in place, shifted by their maximum so exp never overflows.
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace genrec {

inline void softmax_in_place(float* z, std::size_t k) {
  const float top = *std::max_element(z, z + k);
  double sum = 0;
  for (std::size_t i = 0; i < k; ++i) sum += (z[i] = std::exp(z[i] - top));
  for (std::size_t i = 0; i < k; ++i) z[i] = static_cast<float>(z[i] / sum);
}

}  // namespace genrec
