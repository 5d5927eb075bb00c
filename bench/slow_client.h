#pragma once
// A slow HTTP client for load tests and the server tests: what no HTTP library sends, over a
// bare TCP connection from a chosen loopback address (all of 127/8 is local on Linux), so that
// each slow client can count as a client address of its own.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace genrec::bench {

class LoopbackConnection {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects from address `from` (127.x.y.z) to 127.0.0.1:port; see connected().
  LoopbackConnection(int port, const std::string& from) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, from.c_str(), &local.sin_addr);
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
    connected_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
                 connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof server) == 0;
  }
  ~LoopbackConnection() {
    if (fd_ >= 0) close(fd_);
  }
  LoopbackConnection(const LoopbackConnection&) = delete;
  LoopbackConnection& operator=(const LoopbackConnection&) = delete;

  bool connected() const { return connected_; }
  bool send(const std::string& s) {
    return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
  }
  // Collects what the server sends for up to `wait`; true once it has closed the connection.
  bool receive_for(std::chrono::milliseconds wait) {
    const Clock::time_point end = Clock::now() + wait;
    while (!closed_) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0)
        closed_ = true;
      else
        received_.append(buf, static_cast<std::size_t>(n));
    }
    return closed_;
  }
  const std::string& received() const { return received_; }
  // The status line's code of what was received, or -1.
  int status() const {
    return received_.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(received_.c_str() + 9) : -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

// One slow client: from `from`, sends the start of a POST to `path` and then one more header
// line every `interval`, reconnecting whenever the server closes the connection, until `stop`.
// For each connection the server closed, calls closed(status answered or -1, seconds open).
inline void trickle_headers(int port, const std::string& from, const std::string& path,
                            std::chrono::milliseconds interval, const std::atomic<bool>& stop,
                            const std::function<void(int status, double open_s)>& closed) {
  using Clock = LoopbackConnection::Clock;
  const std::chrono::milliseconds slice(20);  // how soon `stop` is seen
  while (!stop) {
    LoopbackConnection c(port, from);
    if (!c.connected()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    const Clock::time_point opened = Clock::now();
    bool gone = !c.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    Clock::time_point next_line = opened + interval;
    while (!stop && !gone) {
      if (Clock::now() >= next_line) {
        c.send("X-Slow: 1\r\n");
        next_line += interval;
      }
      gone = c.receive_for(slice);
    }
    if (!gone) break;
    closed(c.status(), std::chrono::duration<double>(Clock::now() - opened).count());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // then reconnect
  }
}

}  // namespace genrec::bench
