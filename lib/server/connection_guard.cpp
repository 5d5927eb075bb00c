#include "server/connection_guard.h"

#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>

#include "audio/error.h"

namespace genrec {
namespace {

using Clock = Connection::Clock;

// The connection each worker thread is answering, for handlers that must tell a body that
// timed out (408) from one that was cut short (400). Per thread, set only by work().
thread_local Connection* t_current = nullptr;

constexpr const char kEndOfHeaders[] = "\r\n\r\n";

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// Milliseconds for poll(): rounded up, so that a wait never ends just before its deadline.
int poll_ms(Clock::duration d) {
  if (d <= Clock::duration::zero()) return 0;
  const double ms = std::chrono::duration<double, std::milli>(d).count();
  return static_cast<int>(std::min(std::ceil(ms), 3.6e6));
}

bool wait_for(int fd, short events, Clock::duration timeout) {
  pollfd p{fd, events, 0};
  int r = 0;
  do {
    r = poll(&p, 1, poll_ms(timeout));
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

// Numeric host and port of either end of a socket.
void socket_address(int fd, bool peer, std::string& host, int& port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  auto* sa = reinterpret_cast<sockaddr*>(&ss);
  host.clear();
  port = 0;
  if ((peer ? getpeername(fd, sa, &len) : getsockname(fd, sa, &len)) != 0) return;
  char h[NI_MAXHOST];
  char s[NI_MAXSERV];
  if (getnameinfo(sa, len, h, sizeof h, s, sizeof s, NI_NUMERICHOST | NI_NUMERICSERV) != 0) return;
  host = h;
  port = std::atoi(s);
}

const char* reason_phrase(int status) {
  switch (status) {
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

}  // namespace

Connection::Connection(int fd, std::string address, int port, const ConnectionLimits& limits)
    : fd_(fd),
      address_(std::move(address)),
      port_(port),
      limits_(limits),
      entered_gate_(Clock::now()) {}

Connection* Connection::current() { return t_current; }

void Connection::local_address(std::string& host, int& port) const {
  socket_address(fd_, /*peer=*/false, host, port);
}

ssize_t Connection::read(char* data, std::size_t n) {
  if (consumed_ < buffer_.size()) {
    const std::size_t k = std::min(n, buffer_.size() - consumed_);
    std::memcpy(data, buffer_.data() + consumed_, k);
    consumed_ += k;
    if (consumed_ == buffer_.size()) {
      std::string().swap(buffer_);
      consumed_ = scanned_ = 0;
    }
    return static_cast<ssize_t>(k);
  }
  if (!wait_readable()) return -1;
  ssize_t r = 0;
  do {
    r = recv(fd_, data, n, 0);
  } while (r < 0 && errno == EINTR);
  return r;
}

bool Connection::wait_readable() {
  if (consumed_ < buffer_.size()) return true;
  if (timed_out_) return false;
  const Clock::time_point now = Clock::now();
  if (now >= body_deadline_) {
    timed_out_ = true;
    return false;
  }
  const Clock::duration wait = std::min(seconds(limits_.read_timeout_s), body_deadline_ - now);
  if (wait_for(fd_, POLLIN, wait)) return true;
  if (Clock::now() >= body_deadline_) timed_out_ = true;
  return false;
}

ssize_t Connection::write(const char* data, std::size_t n) {
  if (!wait_writable()) return -1;
  ssize_t r = 0;
  do {
    r = send(fd_, data, n, MSG_NOSIGNAL);
  } while (r < 0 && errno == EINTR);
  return r;
}

bool Connection::wait_writable() const {
  return wait_for(fd_, POLLOUT, seconds(limits_.write_timeout_s));
}

bool Connection::headers_complete() {
  if (buffer_.size() < consumed_ + 4) return false;
  const std::size_t from = std::max(consumed_, scanned_);
  const bool found = buffer_.find(kEndOfHeaders, from) != std::string::npos;
  // The next search starts where a terminator split across two reads could begin.
  if (!found) scanned_ = buffer_.size() - 3;
  return found;
}

Connection::Fill Connection::fill() {
  char chunk[4096];
  for (;;) {
    if (headers_complete()) return Fill::kComplete;
    const std::size_t have = buffer_.size() - consumed_;
    if (have >= limits_.max_header_bytes) return Fill::kTooLarge;
    const ssize_t n =
        recv(fd_, chunk, std::min(sizeof chunk, limits_.max_header_bytes - have), MSG_DONTWAIT);
    if (n > 0) {
      if (!first_byte_) first_byte_ = Clock::now();
      buffer_.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return Fill::kClosed;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return Fill::kWaiting;
    } else if (errno != EINTR) {
      return Fill::kClosed;
    }
  }
}

void Connection::await_request(Clock::time_point now) {
  buffer_.erase(0, consumed_);
  consumed_ = scanned_ = 0;
  entered_gate_ = now;
  first_byte_.reset();
  if (!buffer_.empty()) first_byte_ = now;  // the next request began in the last read
  fresh_ = false;
}

Clock::time_point Connection::gate_deadline() const {
  if (first_byte_) return *first_byte_ + seconds(limits_.header_timeout_s);
  return entered_gate_ + seconds(fresh_ ? limits_.header_timeout_s : limits_.keep_alive_s);
}

ConnectionGuard::ConnectionGuard(const ConnectionLimits& limits, int n_workers, int retry_after_s,
                                 Serve serve, ErrorBody error_body, Log log)
    : limits_(limits),
      retry_after_s_(retry_after_s),
      serve_(std::move(serve)),
      error_body_(std::move(error_body)),
      log_(std::move(log)) {
  if (!(limits_.header_timeout_s > 0)) throw Error("serve", "header_timeout_s", "must be positive");
  if (!(limits_.body_timeout_s > 0)) throw Error("serve", "body_timeout_s", "must be positive");
  if (limits_.max_connections < 1) throw Error("serve", "max_connections", "must be at least 1");
  if (limits_.max_per_address < 1)
    throw Error("serve", "max_connections_per_address", "must be at least 1");
  if (limits_.max_requests < 1) throw Error("serve", "max_requests", "must be at least 1");
  if (n_workers < 1) throw Error("serve", "http_threads", "need at least one thread");
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw Error("serve", "connections", "cannot create an eventfd");
  gate_thread_ = std::thread([this] { gate(); });
  for (int i = 0; i < n_workers; ++i) workers_.emplace_back([this] { work(); });
}

ConnectionGuard::~ConnectionGuard() {
  stop();
  close(wake_fd_);
}

int ConnectionGuard::open_connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return n_open_;
}

void ConnectionGuard::admit(int fd) {
  std::string host;
  int port = 0;
  socket_address(fd, /*peer=*/true, host, port);
  auto c = std::make_unique<Connection>(fd, host, port, limits_);
  std::string refusal;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    int& from_here = open_by_address_[host];
    if (stopping_)
      refusal = "The server is shutting down.";
    else if (from_here >= limits_.max_per_address)
      refusal = "Too many connections from your address (at most " +
                std::to_string(limits_.max_per_address) + "). Try again in a few seconds.";
    else if (n_open_ >= limits_.max_connections)
      refusal = "The server has too many connections open. Try again in a few seconds.";
    // Counted either way: release() forgets it.
    ++n_open_;
    ++from_here;
    if (refusal.empty()) incoming_.push_back(std::move(c));
  }
  if (refusal.empty())
    wake_gate();
  else
    refuse(std::move(c), 503, refusal);
}

void ConnectionGuard::stop() {
  std::lock_guard<std::mutex> once(stop_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_gate();
  ready_cv_.notify_all();
  if (gate_thread_.joinable()) gate_thread_.join();
  for (std::thread& t : workers_)
    if (t.joinable()) t.join();
  std::vector<std::unique_ptr<Connection>> left;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& c : incoming_) left.push_back(std::move(c));
    for (auto& c : ready_) left.push_back(std::move(c));
    incoming_.clear();
    ready_.clear();
  }
  for (auto& c : left) release(std::move(c));
}

void ConnectionGuard::wake_gate() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void ConnectionGuard::gate() {
  std::vector<std::unique_ptr<Connection>> waiting;
  std::vector<std::unique_ptr<Connection>> still;
  std::vector<pollfd> fds;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
      for (auto& c : incoming_) waiting.push_back(std::move(c));
      incoming_.clear();
    }
    Clock::time_point now = Clock::now();
    Clock::time_point next = now + std::chrono::seconds(1);
    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    for (const auto& c : waiting) {
      fds.push_back(pollfd{c->fd(), POLLIN, 0});
      next = std::min(next, c->gate_deadline());
    }
    int r = 0;
    do {
      r = poll(fds.data(), fds.size(), poll_ms(next - now));
    } while (r < 0 && errno == EINTR);
    if (fds[0].revents) {
      std::uint64_t drained = 0;
      [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &drained, sizeof drained);
    }
    now = Clock::now();
    still.clear();
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      std::unique_ptr<Connection>& c = waiting[i];
      const Connection::Fill f = fds[i + 1].revents ? c->fill() : Connection::Fill::kWaiting;
      if (f == Connection::Fill::kComplete) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          ready_.push_back(std::move(c));
        }
        ready_cv_.notify_one();
      } else if (f == Connection::Fill::kClosed) {
        release(std::move(c));
      } else if (f == Connection::Fill::kTooLarge) {
        refuse(std::move(c), 431, "The request headers are too large.");
      } else if (now < c->gate_deadline()) {
        still.push_back(std::move(c));
      } else if (c->first_byte_) {
        std::ostringstream why;
        why << "The request headers did not arrive within " << limits_.header_timeout_s << " s.";
        refuse(std::move(c), 408, why.str());
      } else {
        release(std::move(c));  // idle: nothing to answer
      }
    }
    waiting.swap(still);
  }
  for (auto& c : waiting) release(std::move(c));
}

void ConnectionGuard::work() {
  for (;;) {
    std::unique_ptr<Connection> c;
    bool stopping = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
      if (ready_.empty()) return;  // stopping, and every complete request answered
      c = std::move(ready_.front());
      ready_.pop_front();
      stopping = stopping_;
    }
    ++c->n_requests_;
    c->timed_out_ = false;
    c->body_deadline_ = Clock::now() + seconds(limits_.body_timeout_s);
    const bool last = stopping || c->n_requests_ >= limits_.max_requests;
    bool again = false;
    t_current = c.get();
    try {
      again = serve_(*c, last);
    } catch (const std::exception& e) {
      if (log_) log_("error: " + c->address() + ": " + e.what());
    }
    t_current = nullptr;
    if (!again || last || c->timed_out()) {
      release(std::move(c));
      continue;
    }
    c->await_request(Clock::now());
    const bool complete = c->headers_complete();  // pipelined: the next request is here
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!stopping_) {
        if (complete)
          ready_.push_back(std::move(c));
        else
          incoming_.push_back(std::move(c));
      }
    }
    if (c) {
      release(std::move(c));
    } else if (complete) {
      ready_cv_.notify_one();
    } else {
      wake_gate();
    }
  }
}

void ConnectionGuard::release(std::unique_ptr<Connection> c) {
  {
    // Forgotten before it is closed: a client that saw it close may connect again at once.
    std::lock_guard<std::mutex> lock(mutex_);
    --n_open_;
    auto it = open_by_address_.find(c->address());
    if (it != open_by_address_.end() && --it->second <= 0) open_by_address_.erase(it);
  }
  close(c->fd());
}

void ConnectionGuard::refuse(std::unique_ptr<Connection> c, int status,
                             const std::string& message) {
  const std::string reply = canned_reply(status, message);
  [[maybe_unused]] const ssize_t sent =
      send(c->fd(), reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  shutdown(c->fd(), SHUT_WR);
  // Read what already arrived, so that closing sends FIN rather than a reset that could
  // overtake the answer.
  char sink[4096];
  for (int i = 0; i < 16 && recv(c->fd(), sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
  }
  if (log_) log_(c->address() + " " + std::to_string(status) + " " + message);
  release(std::move(c));
}

std::string ConnectionGuard::canned_reply(int status, const std::string& message) const {
  const std::string body = error_body_ ? error_body_(status, message) : message;
  std::ostringstream os;
  os << "HTTP/1.1 " << status << " " << reason_phrase(status) << "\r\n"
     << "Content-Type: application/json\r\n"
     << "Cache-Control: no-store\r\n"
     << "Connection: close\r\n";
  if (status == 503) os << "Retry-After: " << retry_after_s_ << "\r\n";
  os << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  return os.str();
}

}  // namespace genrec
