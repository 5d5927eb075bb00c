#pragma once
// Bounded concurrency for expensive requests: at most `max_running` jobs run at once, at
// most `max_waiting` more wait (each for at most `max_wait`) and the rest are turned away,
// which the server answers with 503 + Retry-After.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

namespace genrec {

class JobLimiter {
 public:
  // A held job slot; releases it when destroyed. Movable, not copyable.
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class JobLimiter;
    explicit Slot(JobLimiter* owner) : owner_(owner) {}
    JobLimiter* owner_;
  };

  // max_running >= 1; max_waiting >= 0. Throws genrec::Error("serve", ...) otherwise.
  JobLimiter(int max_running, int max_waiting, std::chrono::milliseconds max_wait);

  // A slot now, or after waiting up to max_wait when fewer than max_waiting already wait;
  // nullopt when the server is busy.
  std::optional<Slot> acquire();

  int running() const;
  int waiting() const;
  int max_running() const { return max_running_; }

 private:
  void release();

  const int max_running_;
  const int max_waiting_;
  const std::chrono::milliseconds max_wait_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  int running_ = 0;
  int waiting_ = 0;
};

}  // namespace genrec
