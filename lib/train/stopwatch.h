#pragma once
// Wall-clock seconds for the trainer's timings (epoch seconds, windows per second).
#include <chrono>

namespace genrec {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace genrec
