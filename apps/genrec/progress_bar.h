#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal (SPEC: progress bars
// only on a terminal), so logs and pipes stay clean.
#include <cstddef>
#include <string>

namespace genrec::cli {

class ProgressBar {
 public:
  ProgressBar();  // enabled iff stderr is a terminal
  bool enabled() const { return enabled_; }
  // Redraws "label [#####.....] done/total suffix" in place.
  void update(const std::string& label, std::size_t done, std::size_t total,
              const std::string& suffix);
  // Erases the bar so the next log line starts on a clean line.
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace genrec::cli
