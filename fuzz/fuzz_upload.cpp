// The HTTP server's request path on hostile bytes: each input is sent as-is over a real
// connection to one in-process `genrec serve` (a small random-weight model), so httplib's
// request and multipart parsing, genrec's upload reader, decoding and prediction all run on
// it. The reply is read until the server closes the connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <thread>

#include "model_util.h"
#include "server/server.h"

namespace {

struct Fixture {
  genrec::GenreModel model;
  genrec::WebServer server;
  int port;
  std::thread thread;
  Fixture()
      : model(genrec::test::random_genre_model(small_arch(), {"a", "b", "c"})),
        server(model, options()),
        port(server.bind()),
        thread([this] { server.run(); }) {
    while (!server.running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  static genrec::CnnConfig small_arch() {
    genrec::CnnConfig c;
    c.channels = {4, 8};
    return c;
  }
  static genrec::ServerOptions options() {
    genrec::ServerOptions o;
    o.port = 0;
    o.max_upload_bytes = 1 << 20;
    return o;
  }
};

void exchange(int port, const std::uint8_t* data, std::size_t size) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    for (std::size_t sent = 0; sent < size;) {
      const ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    shutdown(fd, SHUT_WR);
    char buf[65536];
    while (recv(fd, buf, sizeof buf, 0) > 0) {
    }
  }
  close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture* fixture = new Fixture();  // lives for the whole fuzzing process
  exchange(fixture->port, data, size);
  return 0;
}
