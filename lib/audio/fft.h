#pragma once
// Real-input FFT of a fixed even size. Forward transforms of power-of-two sizes run on our
// Pow2RealFft (fft_pow2.h); other sizes and the inverse on KissFFT, seen only by fft.cpp.
// A plan keeps scratch memory, so use one RealFft per thread.
#include <complex>
#include <memory>

namespace genrec {

class RealFft {
 public:
  explicit RealFft(int n);  // n even; throws genrec::Error("fft", ...) otherwise
  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;
  ~RealFft();

  int size() const { return n_; }
  // in: n real samples; out: n/2+1 bins (numpy.fft.rfft convention, unnormalised).
  void forward(const float* in, std::complex<float>* out);
  // in: n/2+1 bins; out: n samples, scaled by 1/n (numpy.fft.irfft convention).
  void inverse(const std::complex<float>* in, float* out);

 private:
  struct Impl;
  int n_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace genrec
