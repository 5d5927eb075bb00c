#pragma once
// Gamma and symmetric Beta draws built only on the generator's raw output (through uniform01),
// so a seeded run draws the same numbers with every standard library: std::gamma_distribution,
// std::normal_distribution and std::uniform_real_distribution are implementation-defined and
// differ between libstdc++ and libc++. Used for mixup's mixing weights.
#include <random>

namespace genrec {

// A standard normal N(0, 1) draw (Marsaglia's polar method; one of each pair is used).
double standard_normal(std::mt19937_64& rng);

// A Gamma(shape, 1) draw, shape >= 1 (Marsaglia & Tsang 2000). Always > 0.
double gamma_draw(double shape, std::mt19937_64& rng);

// The natural logarithm of a Gamma(shape, 1) draw, shape > 0; for shape < 1 the boost
// Gamma(shape + 1) * U^(1/shape), kept in logs so small shapes do not underflow to 0.
double log_gamma_draw(double shape, std::mt19937_64& rng);

// A Beta(alpha, alpha) draw in [0, 1], alpha > 0: X / (X + Y) with X, Y ~ Gamma(alpha, 1).
double beta_symmetric(double alpha, std::mt19937_64& rng);

}  // namespace genrec
