#pragma once
// Admission and timing of the server's connections, so that slow or numerous clients cannot
// starve the others. One gate thread waits for the headers of every open connection (poll(), no
// thread per connection); only a connection whose request headers are complete is handed to
// one of a fixed set of worker threads, which reads the body and answers.
//   - a request's headers must arrive within header_timeout_s of its first byte, its body within
//     body_timeout_s of the end of its headers: totals, not per read, so trickling one byte at a
//     time does not extend them. Past the header deadline the gate answers 408 and closes;
//   - at most max_connections are open at once, at most max_per_address from one address: more
//     are answered 503 + Retry-After at once and closed;
//   - an idle keep-alive connection is closed after keep_alive_s.
// Knows sockets, not HTTP beyond the blank line that ends a header block (see guarded_http.h).
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace genrec {

struct ConnectionLimits {
  double header_timeout_s = 10.0;  // a request's headers, from its first byte
  double body_timeout_s = 60.0;    // its body, from the end of its headers
  int max_connections = 256;       // open at once, in all
  int max_per_address = 32;        // open at once from one client address
  double keep_alive_s = 2.0;       // silence allowed between two requests on one connection
  double read_timeout_s = 5.0;     // silence allowed while a body arrives
  double write_timeout_s = 5.0;    // stall allowed while an answer is sent
  int max_requests = 5;            // on one connection, then it is closed
  std::size_t max_header_bytes = std::size_t{64} << 10;  // more without a blank line: 431
};

// One accepted socket. The gate fills its buffer with a request's headers; a worker then reads
// through it (buffered bytes first) and writes the answer.
class Connection {
 public:
  using Clock = std::chrono::steady_clock;

  // Made by ConnectionGuard::admit for an accepted socket (the guard closes it).
  Connection(int fd, std::string address, int port, const ConnectionLimits& limits);

  // Up to n bytes of the request: 0 at end of stream, -1 on error, after read_timeout_s of
  // silence, or once the body deadline has passed (then timed_out() is true).
  ssize_t read(char* data, std::size_t n);
  // Whether bytes can be read now or arrive in time (same limits as read()).
  bool wait_readable();
  // Writes up to n bytes, waiting at most write_timeout_s; -1 on error or stall.
  ssize_t write(const char* data, std::size_t n);
  bool wait_writable() const;
  // Whether the current request's body missed its deadline.
  bool timed_out() const { return timed_out_; }

  int fd() const { return fd_; }
  const std::string& address() const { return address_; }  // the client's, numeric
  int port() const { return port_; }
  void local_address(std::string& host, int& port) const;

  // The connection the calling worker thread is answering a request on, else nullptr.
  static Connection* current();

 private:
  friend class ConnectionGuard;

  // Where the gate stands: reads what arrived; true once a blank line ends the headers.
  enum class Fill { kWaiting, kComplete, kClosed, kTooLarge };
  Fill fill();
  bool headers_complete();
  // Re-enters the gate: a fresh wait for the next request's first byte.
  void await_request(Clock::time_point now);
  // When the gate gives up on it, and whether a request had begun (then it gets a 408).
  Clock::time_point gate_deadline() const;

  int fd_;
  std::string address_;
  int port_;
  const ConnectionLimits& limits_;
  std::string buffer_;  // bytes received and not yet read by the worker
  std::size_t consumed_ = 0;
  std::size_t scanned_ = 0;  // the blank line is not before this offset
  Clock::time_point entered_gate_;
  std::optional<Clock::time_point> first_byte_;
  Clock::time_point body_deadline_;
  bool timed_out_ = false;
  bool fresh_ = true;  // no request answered yet
  int n_requests_ = 0;
};

class ConnectionGuard {
 public:
  // Answers one request whose headers are buffered in the connection; `last`: the connection
  // is closed afterwards. Returns whether the connection may carry another request.
  using Serve = std::function<bool(Connection&, bool last)>;
  // The body (JSON) of a 408/431/503 the guard answers itself.
  using ErrorBody = std::function<std::string(int status, const std::string& message)>;
  using Log = std::function<void(const std::string&)>;

  // Starts the gate and n_workers worker threads. Throws genrec::Error("serve", ...) for
  // invalid limits.
  ConnectionGuard(const ConnectionLimits& limits, int n_workers, int retry_after_s, Serve serve,
                  ErrorBody error_body, Log log);
  // stop()
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  // Takes ownership of an accepted socket: queues it at the gate, or answers 503 and closes it
  // when the caps are reached. Any thread; returns at once.
  void admit(int fd);
  // Closes connections waiting at the gate, lets workers finish the requests they hold (and
  // those whose headers are complete), then joins every thread. Idempotent.
  void stop();
  int open_connections() const;
  const ConnectionLimits& limits() const { return limits_; }

 private:
  void gate();
  void work();
  void wake_gate();
  // Closes the socket and forgets it in the counts.
  void release(std::unique_ptr<Connection> c);
  // Writes a whole canned answer (best effort, without waiting) and releases the connection.
  void refuse(std::unique_ptr<Connection> c, int status, const std::string& message);
  std::string canned_reply(int status, const std::string& message) const;

  const ConnectionLimits limits_;
  const int retry_after_s_;
  Serve serve_;
  ErrorBody error_body_;
  Log log_;
  int wake_fd_ = -1;  // an eventfd that interrupts the gate's poll()

  std::mutex stop_mutex_;
  mutable std::mutex mutex_;
  std::condition_variable ready_cv_;
  bool stopping_ = false;
  int n_open_ = 0;
  std::map<std::string, int> open_by_address_;
  std::vector<std::unique_ptr<Connection>> incoming_;  // for the gate
  std::deque<std::unique_ptr<Connection>> ready_;      // headers complete, for a worker

  std::thread gate_thread_;
  std::vector<std::thread> workers_;
};

}  // namespace genrec
