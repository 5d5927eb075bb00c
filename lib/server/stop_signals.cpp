#include "server/stop_signals.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "audio/error.h"
#include "server/server.h"

namespace genrec {
namespace {

sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

StopSignals::StopSignals() {
  const sigset_t set = stop_set();
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0)
    throw Error("serve", "signals", "cannot block SIGINT/SIGTERM");
}

int StopSignals::serve(WebServer& server) const {
  std::atomic<bool> stopping{false};
  std::atomic<int> received{0};
  std::thread waiter([&] {
    const sigset_t set = stop_set();
    int sig = 0;
    if (sigwait(&set, &sig) != 0) return;
    if (stopping.exchange(true)) return;  // woken by serve() itself below
    received = sig;
    server.stop();
  });
  // Wakes the waiter when run() ends for a reason other than a signal.
  auto finish = [&] {
    if (!stopping.exchange(true)) pthread_kill(waiter.native_handle(), SIGTERM);
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
