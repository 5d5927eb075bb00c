#pragma once
// Cuts a stream into fixed-length segments (3 s = 66150 samples by default) at a given hop.
// A stream shorter than one segment yields one segment padded as FeatureConfig::pad says
// (zero, loop or reflect); a trailing partial segment of a longer stream is dropped. Holds one
// segment of audio, never the whole song.
#include <cstddef>
#include <string>
#include <vector>

#include "audio/audio_source.h"

namespace genrec {

class SegmentReader {
 public:
  // hop_samples == segment_samples gives non-overlapping segments (eval/predict).
  SegmentReader(AudioSource& source, std::size_t segment_samples, std::size_t hop_samples,
                std::string pad = "zero");
  // Fills `segment` (segment_samples long) and its start in samples; false at the end.
  bool next(std::vector<float>& segment, std::size_t& start_sample);

 private:
  AudioSource& source_;
  std::size_t seg_, hop_;
  std::vector<float> window_;  // samples [window_start_, window_start_ + window_.size())
  std::size_t window_start_ = 0;
  std::size_t next_start_ = 0;
  bool eof_ = false;
  std::size_t emitted_ = 0;
  std::string pad_;
};

// Fills x[have, x.size()) from x[0, have) as FeatureConfig::pad names it: "zero", "loop"
// (x[i] = x[i mod have]) or "reflect" (numpy's "reflect": ... x2 x1 | x0 x1 x2 ... x_{h-1} |
// x_{h-2} ...). Throws genrec::Error for another name; have == 0 leaves zeros.
void pad_clip(std::vector<float>& x, std::size_t have, const std::string& pad);

// Start offsets of the segments of a clip of n samples (same rules as SegmentReader).
std::vector<std::size_t> segment_starts(std::size_t n, std::size_t segment_samples,
                                        std::size_t hop_samples);
// Copies segment [start, start+len) of x, zero-padding beyond n.
void copy_segment(const float* x, std::size_t n, std::size_t start, std::size_t len, float* out);

}  // namespace genrec
