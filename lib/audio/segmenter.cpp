#include "audio/segmenter.h"

#include <algorithm>

#include "audio/error.h"

namespace genrec {

SegmentReader::SegmentReader(AudioSource& source, std::size_t segment_samples,
                             std::size_t hop_samples, std::string pad)
    : source_(source), seg_(segment_samples), hop_(hop_samples), pad_(std::move(pad)) {
  if (seg_ == 0 || hop_ == 0) throw Error("segment", source.name(), "segment and hop must be > 0");
}

bool SegmentReader::next(std::vector<float>& segment, std::size_t& start_sample) {
  // Drop samples before the next segment's start, then top the window up to one segment.
  if (next_start_ > window_start_) {
    std::size_t drop = std::min(next_start_ - window_start_, window_.size());
    window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(drop));
    window_start_ += drop;
  }
  // Skip source samples when the hop is larger than the segment.
  while (!eof_ && window_start_ < next_start_) {
    float scratch[4096];
    std::size_t want = std::min<std::size_t>(next_start_ - window_start_, 4096);
    std::size_t got = source_.read(scratch, want);
    if (got == 0) eof_ = true;
    window_start_ += got;
  }
  while (!eof_ && window_.size() < seg_) {
    std::size_t have = window_.size();
    window_.resize(seg_);
    std::size_t got = source_.read(window_.data() + have, seg_ - have);
    window_.resize(have + got);
    if (got == 0) eof_ = true;
  }
  const bool full = window_.size() == seg_ && window_start_ == next_start_;
  const bool pad_short = emitted_ == 0 && eof_ && next_start_ == 0 && !window_.empty();
  if (!full && !pad_short) {
    if (emitted_ == 0 && source_.produced() == 0)
      throw Error("decode", source_.name(), "no audio samples");
    return false;
  }
  segment.assign(seg_, 0.0f);
  std::copy(window_.begin(), window_.end(), segment.begin());
  if (pad_short) pad_clip(segment, window_.size(), pad_);
  start_sample = next_start_;
  next_start_ += hop_;
  ++emitted_;
  return true;
}

void pad_clip(std::vector<float>& x, std::size_t have, const std::string& pad) {
  have = std::min(have, x.size());
  if (pad == "zero" || have == 0) {
    std::fill(x.begin() + static_cast<std::ptrdiff_t>(have), x.end(), 0.0f);
  } else if (pad == "loop") {
    for (std::size_t i = have; i < x.size(); ++i) x[i] = x[i % have];
  } else if (pad == "reflect") {
    // Period 2 (have - 1): up to the last sample, then back down without repeating it.
    const std::size_t period = 2 * (have - 1);
    for (std::size_t i = have; i < x.size(); ++i) {
      const std::size_t j = period ? i % period : 0;
      x[i] = x[j < have ? j : period - j];
    }
  } else {
    throw Error("segment", pad, "unknown padding (use zero, loop or reflect)");
  }
}

std::vector<std::size_t> segment_starts(std::size_t n, std::size_t segment_samples,
                                        std::size_t hop_samples) {
  std::vector<std::size_t> starts;
  if (n == 0) return starts;
  if (n < segment_samples) return {0};
  for (std::size_t s = 0; s + segment_samples <= n; s += hop_samples) starts.push_back(s);
  return starts;
}

void copy_segment(const float* x, std::size_t n, std::size_t start, std::size_t len, float* out) {
  for (std::size_t i = 0; i < len; ++i) out[i] = start + i < n ? x[start + i] : 0.0f;
}

}  // namespace genrec
