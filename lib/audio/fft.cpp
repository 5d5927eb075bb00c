// The only file that sees KissFFT.
#include "audio/fft.h"

#include <kiss_fftr.h>

#include <string>
#include <vector>

#include "audio/error.h"
#include "audio/fft_pow2.h"

namespace genrec {

struct RealFft::Impl {
  kiss_fftr_cfg fwd = nullptr;
  kiss_fftr_cfg inv = nullptr;
  std::unique_ptr<Pow2RealFft> pow2;  // the forward transform for power-of-two sizes
  std::vector<kiss_fft_cpx> scratch;
  ~Impl() {
    kiss_fftr_free(fwd);
    kiss_fftr_free(inv);
  }
};

RealFft::RealFft(int n) : n_(n), impl_(std::make_unique<Impl>()) {
  if (n < 2 || n % 2 != 0) throw Error("fft", "size " + std::to_string(n), "must be even and >= 2");
  if (Pow2RealFft::supports(n))
    impl_->pow2 = std::make_unique<Pow2RealFft>(n);
  else
    impl_->fwd = kiss_fftr_alloc(n, 0, nullptr, nullptr);
  impl_->inv = kiss_fftr_alloc(n, 1, nullptr, nullptr);
  if ((!impl_->fwd && !impl_->pow2) || !impl_->inv)
    throw Error("fft", "size " + std::to_string(n), "allocation failed");
  impl_->scratch.resize(static_cast<std::size_t>(n / 2 + 1));
}

RealFft::RealFft(RealFft&&) noexcept = default;
RealFft& RealFft::operator=(RealFft&&) noexcept = default;
RealFft::~RealFft() = default;

void RealFft::forward(const float* in, std::complex<float>* out) {
  static_assert(sizeof(kiss_fft_cpx) == sizeof(std::complex<float>), "layout");
  if (impl_->pow2) {
    impl_->pow2->forward(in, out);
    return;
  }
  kiss_fftr(impl_->fwd, in, reinterpret_cast<kiss_fft_cpx*>(out));
}

void RealFft::inverse(const std::complex<float>* in, float* out) {
  const auto* src = reinterpret_cast<const kiss_fft_cpx*>(in);
  impl_->scratch.assign(src, src + n_ / 2 + 1);
  kiss_fftri(impl_->inv, impl_->scratch.data(), out);
  const float scale = 1.0f / static_cast<float>(n_);
  for (int i = 0; i < n_; ++i) out[i] *= scale;
}

}  // namespace genrec
