#include "server/guarded_http.h"

#include <memory>
#include <utility>

namespace genrec {
namespace {

// httplib's view of a guarded connection.
class ConnectionStream : public httplib::Stream {
 public:
  explicit ConnectionStream(Connection& c) : c_(c) {}
  bool is_readable() const override { return c_.wait_readable(); }
  bool is_writable() const override { return c_.wait_writable(); }
  ssize_t read(char* data, size_t size) override { return c_.read(data, size); }
  ssize_t write(const char* data, size_t size) override { return c_.write(data, size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.address();
    port = c_.port();
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    c_.local_address(ip, port);
  }
  socket_t socket() const override { return c_.fd(); }

 private:
  Connection& c_;
};

// httplib's task queue, run inline on its listening thread: each task hands a socket to the
// guard and returns. Shutting the queue down (when listening stops) stops the guard.
class AdmitInline : public httplib::TaskQueue {
 public:
  explicit AdmitInline(ConnectionGuard& guard) : guard_(guard) {}
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override { guard_.stop(); }

 private:
  ConnectionGuard& guard_;
};

}  // namespace

GuardedHttpServer::GuardedHttpServer(const ConnectionLimits& limits, int n_workers,
                                     int retry_after_s, ConnectionGuard::ErrorBody error_body,
                                     ConnectionGuard::Log log)
    : guard_(
          limits, n_workers, retry_after_s,
          [this](Connection& c, bool last) { return serve(c, last); }, std::move(error_body),
          std::move(log)) {
  // httplib takes ownership of the queue it is handed.
  new_task_queue = [this] { return std::make_unique<AdmitInline>(guard_).release(); };
}

bool GuardedHttpServer::process_and_close_socket(socket_t sock) {
  guard_.admit(sock);
  return true;
}

bool GuardedHttpServer::serve(Connection& c, bool last) {
  ConnectionStream stream(c);
  bool closed = false;
  const bool ok = process_request(stream, last, closed, nullptr);
  return ok && !closed;
}

}  // namespace genrec
