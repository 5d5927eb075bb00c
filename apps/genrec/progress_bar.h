#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal (SPEC: progress bars
// only on a terminal) and not --quiet, so logs and pipes stay clean. It shows the count, the
// rate and the time left: "features [#####.....] 12/100  3.4/s  ETA 0:26".
#include <chrono>
#include <cstddef>
#include <string>

namespace genrec::cli {

class ProgressBar {
 public:
  // `unit` names what is counted in the rate ("files" -> "3.4 files/s").
  explicit ProgressBar(bool quiet, std::string unit = "");
  bool enabled() const { return enabled_; }
  // Redraws "label [#####.....] done/total rate ETA suffix" in place; the rate and ETA are
  // measured from this bar's construction (or the last restart()).
  void update(const std::string& label, std::size_t done, std::size_t total,
              const std::string& suffix = "");
  // Starts timing anew (e.g. each training epoch).
  void restart();
  // Erases the bar so the next log line starts on a clean line.
  void clear();

 private:
  bool enabled_;
  std::string unit_;
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false;
};

}  // namespace genrec::cli
