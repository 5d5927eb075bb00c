#pragma once
// Clean shutdown on SIGINT/SIGTERM without a signal handler or a global flag: the signals
// are blocked in every thread and one waiter thread receives them with sigwait().
namespace genrec {

class WebServer;

class StopSignals {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread; threads it starts later inherit that.
  // Construct it before any other thread exists (before loading the model).
  StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Runs the server until SIGINT or SIGTERM arrives (or run() fails, which rethrows), then
  // stops it and waits for in-flight requests. Returns the signal number, or 0.
  int serve(WebServer& server) const;
};

}  // namespace genrec
