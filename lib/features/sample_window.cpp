#include "features/sample_window.h"

#include <algorithm>
#include <memory>

#include "audio/error.h"

namespace genrec {

SampleOpener memory_opener(const float* y, std::size_t n) {
  return [y, n]() -> SampleReader {
    auto pos = std::make_shared<std::size_t>(0);
    return [y, n, pos](float* out, std::size_t max) {
      const std::size_t k = std::min(max, n - *pos);
      std::copy(y + *pos, y + *pos + k, out);
      *pos += k;
      return k;
    };
  };
}

SampleWindow::SampleWindow(SampleReader reader) : reader_(std::move(reader)) {}

void SampleWindow::fill_to(std::size_t end) {
  while (!ended_ && end_ < end) {
    const std::size_t want = std::max<std::size_t>(end - end_, 8192);
    const std::size_t have = buf_.size();
    buf_.resize(have + want);
    const std::size_t got = reader_(buf_.data() + have, want);
    buf_.resize(have + got);
    end_ += got;
    if (got == 0) ended_ = true;
  }
}

void SampleWindow::drop_before(std::size_t begin) {
  if (begin <= start_) return;
  const std::size_t k = std::min(begin, end_) - start_;
  buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(k));
  start_ += k;
}

float SampleWindow::at(long long i) const {
  if (i < static_cast<long long>(start_) || i >= static_cast<long long>(end_))
    throw Error("features", "sample window", "sample " + std::to_string(i) + " is not held");
  return buf_[static_cast<std::size_t>(i) - start_];
}

long long SampleWindow::reflect(long long i) const {
  const long long n = static_cast<long long>(end_);
  if (i >= 0 && i < n) return i;
  if (!ended_) {
    // Before the end is known, only the start can be reflected (as long as -i was read).
    if (i < 0 && -i < n) return -i;
    throw Error("features", "sample window", "padding past the samples read so far");
  }
  if (n == 1) return 0;
  // numpy "reflect" repeats with period 2(n-1) for pads longer than the signal.
  const long long period = 2 * (n - 1);
  i %= period;
  if (i < 0) i += period;
  if (i >= n) i = period - i;
  return i;
}

void SampleWindow::reflect_padded(long long p_begin, long long p_end, std::size_t half,
                                  float* out) const {
  if (ended_ && end_ == 0) throw Error("features", "input", "no audio samples");
  const long long h = static_cast<long long>(half);
  for (long long p = p_begin; p < p_end; ++p) *out++ = at(reflect(p - h));
}

void SampleWindow::edge_padded(long long p_begin, long long p_end, std::size_t half,
                               float* out) const {
  if (ended_ && end_ == 0) throw Error("features", "input", "no audio samples");
  const long long h = static_cast<long long>(half);
  const long long last = static_cast<long long>(end_) - 1;
  for (long long p = p_begin; p < p_end; ++p) {
    long long i = p - h;
    if (i < 0) i = 0;
    if (i > last) {
      if (!ended_) throw Error("features", "sample window", "padding past the samples read so far");
      i = last;
    }
    *out++ = at(i);
  }
}

}  // namespace genrec
