#include "server/stop_signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

#include "audio/error.h"
#include "server/server.h"

namespace genrec {
namespace {

// The write end of the active StopSignals' pipe: the one piece of process-wide state, because
// a signal handler can reach nothing else. Lock-free, hence safe to read in the handler.
std::atomic<int> g_wake_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void forward_signal(int sig) {
  const int saved = errno;
  const int fd = g_wake_fd.load();
  if (fd >= 0) {
    const unsigned char b = static_cast<unsigned char>(sig);
    [[maybe_unused]] const ssize_t n = write(fd, &b, 1);  // async-signal-safe
  }
  errno = saved;
}

}  // namespace

StopSignals::StopSignals() {
  if (pipe2(pipe_, O_CLOEXEC) != 0) throw Error("serve", "signals", "cannot create a pipe");
  fcntl(pipe_[1], F_SETFL, O_NONBLOCK);  // a burst of signals must never block the handler
  int expected = -1;
  if (!g_wake_fd.compare_exchange_strong(expected, pipe_[1])) {
    close(pipe_[0]);
    close(pipe_[1]);
    throw Error("serve", "signals", "another StopSignals is active");
  }
  struct sigaction sa {};
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  g_wake_fd = -1;
  close(pipe_[0]);
  close(pipe_[1]);
}

int StopSignals::serve(WebServer& server) const {
  std::atomic<int> received{0};
  std::thread waiter([&] {
    unsigned char b = 0;
    ssize_t n = 0;
    do {
      n = read(pipe_[0], &b, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1 || b == 0) return;  // woken by serve() itself below
    received = b;
    // A second Ctrl-C while requests drain ends the process the ordinary way.
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    server.stop();
  });
  auto finish = [&] {
    const unsigned char zero = 0;
    [[maybe_unused]] const ssize_t n = write(pipe_[1], &zero, 1);
    waiter.join();
  };
  try {
    server.run();
  } catch (...) {
    finish();
    throw;
  }
  finish();
  return received;
}

}  // namespace genrec
