#pragma once
// What a stream of mono samples looked like, accumulated block by block as AudioSource
// produces them: a content fingerprint (identical samples -> identical fingerprint, whatever
// the file's name or container) and the levels that tell whether the model can judge it.
#include <cstddef>
#include <cstdint>
#include <string>

namespace genrec {

class SampleStats {
 public:
  void add(const float* x, std::size_t n);

  std::uint64_t n_samples() const { return n_; }
  // 64-bit FNV-1a over the samples' IEEE-754 bits (little-endian) and their count.
  std::uint64_t fingerprint() const;
  // fingerprint() as 16 lowercase hex digits, as model files store it.
  std::string fingerprint_hex() const;

  // Why the classifier's answer for this stream should not be trusted, or "" when nothing
  // is wrong: near-silence, a DC offset without signal, heavy clipping, or a stream shorter
  // than min_samples (the model's segment, which gets zero-padded). rate_hz names durations.
  std::string warning(std::size_t min_samples, int rate_hz) const;

 private:
  std::uint64_t hash_ = 1469598103934665603ull;
  std::uint64_t n_ = 0;
  double sum_ = 0, sum_sq_ = 0;
  std::uint64_t n_clipped_ = 0;
  std::uint64_t n_nonfinite_ = 0;
};

// Formats a fingerprint as 16 lowercase hex digits.
std::string fingerprint_to_hex(std::uint64_t fingerprint);

}  // namespace genrec
