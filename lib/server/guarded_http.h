#pragma once
// cpp-httplib served through a ConnectionGuard: httplib's listener hands each accepted socket
// to the guard instead of to a thread of its own, and httplib parses, routes and answers each
// request on a guard worker once its headers are complete. Only the server sees this header.
#include <httplib.h>

#include "server/connection_guard.h"

namespace genrec {

class GuardedHttpServer : public httplib::Server {
 public:
  GuardedHttpServer(const ConnectionLimits& limits, int n_workers, int retry_after_s,
                    ConnectionGuard::ErrorBody error_body, ConnectionGuard::Log log);
  const ConnectionGuard& guard() const { return guard_; }

 private:
  // httplib calls this on its listening thread for every accepted socket (through a task queue
  // that runs it inline): the guard takes the socket and this returns at once.
  bool process_and_close_socket(socket_t sock) override;
  // One request of `c`, parsed and routed by httplib.
  bool serve(Connection& c, bool last);

  ConnectionGuard guard_;
};

}  // namespace genrec
