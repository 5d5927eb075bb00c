#pragma once
// Streaming sample-rate conversion with libsoxr at high quality (librosa's default "soxr_hq").
#include <memory>
#include <vector>

namespace genrec {

class Resampler {
 public:
  // Throws genrec::Error("resample", ...) if soxr refuses the rates.
  Resampler(double in_rate_hz, double out_rate_hz);
  Resampler(Resampler&&) noexcept;
  Resampler& operator=(Resampler&&) noexcept;
  ~Resampler();

  // Feeds n input samples and appends whatever output is ready to `out`.
  void process(const float* in, std::size_t n, std::vector<float>& out);
  // Signals the end of input and appends the remaining output.
  void flush(std::vector<float>& out);
  // A whole buffer at in_rate_hz, converted to out_rate_hz (process, then flush).
  static std::vector<float> convert(const float* in, std::size_t n, double in_rate_hz,
                                    double out_rate_hz);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace genrec
