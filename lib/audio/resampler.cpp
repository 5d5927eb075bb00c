// The only file that sees libsoxr.
#include "audio/resampler.h"

#include <soxr.h>

#include <cmath>
#include <string>

#include "audio/error.h"

namespace genrec {

struct Resampler::Impl {
  soxr_t soxr = nullptr;
  double ratio = 1.0;
  ~Impl() {
    if (soxr) soxr_delete(soxr);
  }
};

Resampler::Resampler(double in_rate_hz, double out_rate_hz) : impl_(std::make_unique<Impl>()) {
  soxr_error_t err = nullptr;
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  // ref: librosa.resample(res_type="soxr_hq") -> soxr.resample(quality="HQ")
  soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
  soxr_runtime_spec_t rt = soxr_runtime_spec(1);
  impl_->soxr = soxr_create(in_rate_hz, out_rate_hz, 1, &err, &io, &q, &rt);
  if (err || !impl_->soxr)
    throw Error("resample", std::to_string(in_rate_hz) + " Hz -> " + std::to_string(out_rate_hz),
                err ? err : "soxr_create failed");
  impl_->ratio = out_rate_hz / in_rate_hz;
}

Resampler::Resampler(Resampler&&) noexcept = default;
Resampler& Resampler::operator=(Resampler&&) noexcept = default;
Resampler::~Resampler() = default;

namespace {
void run(soxr_t s, double ratio, const float* in, std::size_t n, std::vector<float>& out) {
  // Loop until soxr has consumed all input (or, when flushing, produced all output).
  std::size_t consumed = 0;
  for (;;) {
    std::size_t room = static_cast<std::size_t>(std::ceil((n - consumed) * ratio)) + 1024;
    std::size_t base = out.size();
    out.resize(base + room);
    std::size_t idone = 0, odone = 0;
    soxr_error_t err = soxr_process(s, in ? in + consumed : nullptr, in ? n - consumed : 0, &idone,
                                    out.data() + base, room, &odone);
    out.resize(base + odone);
    if (err) throw Error("resample", "stream", err);
    consumed += idone;
    if (in && consumed >= n && odone < room) return;
    if (!in && odone == 0) return;
  }
}
}  // namespace

void Resampler::process(const float* in, std::size_t n, std::vector<float>& out) {
  if (n == 0) return;
  run(impl_->soxr, impl_->ratio, in, n, out);
}

void Resampler::flush(std::vector<float>& out) { run(impl_->soxr, impl_->ratio, nullptr, 0, out); }

std::vector<float> Resampler::convert(const float* in, std::size_t n, double in_rate_hz,
                                      double out_rate_hz) {
  Resampler rs(in_rate_hz, out_rate_hz);
  std::vector<float> out;
  rs.process(in, n, out);
  rs.flush(out);
  return out;
}

}  // namespace genrec
