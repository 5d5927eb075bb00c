#pragma once
// Forward real FFT for power-of-two sizes, written for speed: the n/2-point complex FFT is a
// Stockham (self-sorting) radix-4 transform, with one radix-2 stage when log2(n/2) is odd, on
// split real/imaginary arrays so the compiler vectorises the inner loops. RealFft uses it for
// power-of-two sizes and KissFFT for every other size and for the inverse.
#include <complex>
#include <vector>

namespace genrec {

class Pow2RealFft {
 public:
  // True for n = 2^k with n >= 4.
  static bool supports(int n);
  // Throws genrec::Error("fft", ...) unless supports(n).
  explicit Pow2RealFft(int n);

  // in: n real samples; out: n/2+1 bins (numpy.fft.rfft convention, unnormalised).
  void forward(const float* in, std::complex<float>* out);

 private:
  // One radix-4 pass over sub-transforms of length len, interleaved with the given stride.
  struct Stage {
    int len = 0;
    int stride = 0;
    std::vector<float> w1r, w1i, w2r, w2i, w3r, w3i;  // exp(-2 pi i j p / len), j = 1, 2, 3
  };

  int n_;
  int m_;  // complex points: n / 2
  std::vector<Stage> stages_;
  bool radix2_last_ = false;
  std::vector<float> post_r_, post_i_;  // exp(-2 pi i k / n), k in [0, m]
  std::vector<float> ar_, ai_, br_, bi_;
};

}  // namespace genrec
