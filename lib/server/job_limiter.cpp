#include "server/job_limiter.h"

#include "audio/error.h"

namespace genrec {

JobLimiter::Slot::Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }

JobLimiter::Slot& JobLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (owner_) owner_->release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

JobLimiter::Slot::~Slot() {
  if (owner_) owner_->release();
}

JobLimiter::JobLimiter(int max_running, int max_waiting, std::chrono::milliseconds max_wait)
    : max_running_(max_running), max_waiting_(max_waiting), max_wait_(max_wait) {
  if (max_running < 1) throw Error("serve", "max_jobs", "must be at least 1");
  if (max_waiting < 0) throw Error("serve", "max_queue", "must not be negative");
}

std::optional<JobLimiter::Slot> JobLimiter::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (running_ < max_running_) {
    ++running_;
    return Slot(this);
  }
  if (waiting_ >= max_waiting_ || max_wait_.count() <= 0) return std::nullopt;
  ++waiting_;
  const bool got = freed_.wait_for(lock, max_wait_, [this] { return running_ < max_running_; });
  --waiting_;
  if (!got) return std::nullopt;
  ++running_;
  return Slot(this);
}

void JobLimiter::release() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --running_;
  }
  freed_.notify_one();
}

int JobLimiter::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

int JobLimiter::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiting_;
}

}  // namespace genrec
