#include "data/beta_sampler.h"

#include <cmath>

#include "data/augment.h"

namespace genrec {

// ref: Marsaglia & Bray 1964, the polar method (rejection from the square to the unit disc).
double standard_normal(std::mt19937_64& rng) {
  for (;;) {
    const double u = 2.0 * uniform01(rng) - 1.0;
    const double v = 2.0 * uniform01(rng) - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

// ref: Marsaglia & Tsang 2000, "A simple method for generating gamma variables", for shape >= 1.
double gamma_draw(double shape, std::mt19937_64& rng) {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = standard_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform01(rng);
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;  // the squeeze: no logarithm needed
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double log_gamma_draw(double shape, std::mt19937_64& rng) {
  if (shape >= 1.0) return std::log(gamma_draw(shape, rng));
  // ref: Marsaglia & Tsang 2000, section 6: Gamma(a) = Gamma(a + 1) * U^(1/a) for a < 1;
  // 1 - uniform01 lies in (0, 1], so the logarithm is finite.
  const double boosted = std::log(gamma_draw(shape + 1.0, rng));
  return boosted + std::log(1.0 - uniform01(rng)) / shape;
}

double beta_symmetric(double alpha, std::mt19937_64& rng) {
  const double log_x = log_gamma_draw(alpha, rng);
  const double log_y = log_gamma_draw(alpha, rng);
  // X / (X + Y) = 1 / (1 + Y/X); exp overflows to inf (giving 0) rather than dividing 0 by 0.
  return 1.0 / (1.0 + std::exp(log_y - log_x));
}

}  // namespace genrec
