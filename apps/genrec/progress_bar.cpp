#include "progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace genrec::cli {
namespace {

// "1:05:09", "4:26", "0:07".
std::string clock_time(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

ProgressBar::ProgressBar(bool quiet, std::string unit)
    : enabled_(!quiet && ::isatty(STDERR_FILENO) == 1),
      unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()) {}

void ProgressBar::restart() { start_ = std::chrono::steady_clock::now(); }

void ProgressBar::update(const std::string& label, std::size_t done, std::size_t total,
                         const std::string& suffix) {
  if (!enabled_ || total == 0) return;
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = std::min(done, total) * kWidth / total;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string timing;
  if (done > 0 && elapsed_s > 0) {
    const double rate = static_cast<double>(done) / elapsed_s;
    timing = fmt::format("  {:.1f}{}/s  ETA {}", rate, unit_.empty() ? "" : " " + unit_,
                         clock_time(static_cast<double>(total - std::min(done, total)) / rate));
  }
  std::fprintf(stderr, "\r\033[2K%s [%s] %zu/%zu%s%s%s", label.c_str(), bar.c_str(), done, total,
               timing.c_str(), suffix.empty() ? "" : "  ", suffix.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[2K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace genrec::cli
