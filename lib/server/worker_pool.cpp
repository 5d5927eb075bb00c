#include "server/worker_pool.h"

#include <future>

#include "audio/error.h"

namespace genrec {

WorkerPool::WorkerPool(int n_threads) {
  if (n_threads < 1) throw Error("serve", "workers", "need at least one thread");
  for (int i = 0; i < n_threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left to do
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void WorkerPool::run(const std::function<void()>& fn) {
  std::packaged_task<void()> task(fn);
  std::future<void> done = task.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) throw Error("serve", "workers", "the server is shutting down");
    // std::function needs a copyable callable: the task lives on this stack until done.
    tasks_.emplace_back([&task] { task(); });
  }
  ready_.notify_one();
  done.get();
}

}  // namespace genrec
