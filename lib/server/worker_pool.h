#pragma once
// A fixed set of threads that run the expensive part of requests (decode, features, CNN).
// Connection threads hand work over and wait for it, so that memory-hungry work (and the
// malloc arenas it leaves behind) stays on max_jobs threads however many connections there are.
// Admission (how many may run or wait) is JobLimiter's job; the queue here is unbounded.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace genrec {

class WorkerPool {
 public:
  // n_threads >= 1. Throws genrec::Error("serve", ...) otherwise.
  explicit WorkerPool(int n_threads);
  // Finishes the queued work, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs fn on a pool thread and returns when it is done; rethrows what fn throws.
  void run(const std::function<void()>& fn);

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace genrec
