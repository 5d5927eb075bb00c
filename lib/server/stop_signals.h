#pragma once
// Clean shutdown on SIGINT/SIGTERM. A signal may land on any thread (libraries such as
// OpenBLAS start threads before main), so a handler forwards it through a self-pipe to a
// waiter thread, which stops the server; a second signal then terminates at once.
#include <signal.h>

namespace genrec {

class WebServer;

class StopSignals {
 public:
  // Installs the SIGINT/SIGTERM handlers; only one StopSignals may exist at a time.
  // Throws genrec::Error("serve", "signals", cause).
  StopSignals();
  // Restores the previous handlers.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Runs the server until SIGINT or SIGTERM arrives (or run() fails, which rethrows), then
  // stops it and waits for in-flight requests. Returns the signal number, or 0.
  int serve(WebServer& server) const;

 private:
  int pipe_[2] = {-1, -1};
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace genrec
