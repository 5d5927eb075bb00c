#pragma once
// |z| of a complex64 STFT bin, as np.abs gives it: the float nearest the exact modulus
// (through double, which is exact here and faster than hypotf).
#include <cmath>
#include <complex>

namespace genrec {

inline float magnitude(std::complex<float> z) {
  const double re = z.real(), im = z.imag();
  return static_cast<float>(std::sqrt(re * re + im * im));
}

}  // namespace genrec
