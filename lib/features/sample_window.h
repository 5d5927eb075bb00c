#pragma once
// A sliding window over a stream of samples that answers for the stream's centred padding
// (numpy.pad(y, half, "reflect") or "edge") without holding the whole stream: features of a
// long file are computed block by block from it.
#include <cstddef>
#include <functional>
#include <vector>

namespace genrec {

// Reads up to `max` mono samples at the feature rate into `out`; returns 0 at the end.
using SampleReader = std::function<std::size_t(float* out, std::size_t max)>;
// Starts an input again from its first sample (features read every input twice).
using SampleOpener = std::function<SampleReader()>;

// An opener over samples held in memory (not copied: y must outlive the readers).
SampleOpener memory_opener(const float* y, std::size_t n);

class SampleWindow {
 public:
  explicit SampleWindow(SampleReader reader);

  // Reads until samples [0, end) have been read or the stream ends.
  void fill_to(std::size_t end);
  bool ended() const { return ended_; }
  // Samples read so far; the stream's length once ended().
  std::size_t read_count() const { return end_; }

  // Padded-signal values P[p] = y[reflect(p - half)] (numpy "reflect": no edge repeat) for
  // p in [p_begin, p_end). The samples used must be held: read (fill_to) and not dropped;
  // indices past the last read sample need ended(). Throws genrec::Error when the stream is empty.
  void reflect_padded(long long p_begin, long long p_end, std::size_t half, float* out) const;
  // The same with numpy "edge" padding: y[clamp(p - half, 0, n - 1)].
  void edge_padded(long long p_begin, long long p_end, std::size_t half, float* out) const;
  // Forgets samples before index `begin` (keeps memory bounded).
  void drop_before(std::size_t begin);

 private:
  float at(long long i) const;  // y[i] for a held index
  long long reflect(long long i) const;

  SampleReader reader_;
  std::vector<float> buf_;  // samples [start_, end_)
  std::size_t start_ = 0;
  std::size_t end_ = 0;
  bool ended_ = false;
};

}  // namespace genrec
