// The server under slow and numerous clients (ConnectionGuard): header tricklers beyond the
// worker pool are cut off with 408 while others are served, slow bodies get 408, and
// connections are capped per client address and in all (503 + Retry-After).
// Clients connect from distinct loopback addresses (all of 127/8 is local on Linux).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "served.h"
#include "server/server.h"
#include "slow_client.h"

namespace genrec {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using bench::LoopbackConnection;

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// A complete GET of /api/health that asks the server to close the connection after it.
std::string health_request() {
  return "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
}

TEST(ServerSlowClients, HeaderTricklersBeyondTheWorkerPoolDoNotStarveOthers) {
  ServerOptions o;
  o.http_threads = 2;
  o.connections.header_timeout_s = 1.0;
  test::Served s(o);
  constexpr int kTricklers = 6;  // three per worker thread, from six addresses
  std::atomic<bool> stop{false};
  std::vector<std::atomic<int>> answered_408(kTricklers);
  std::vector<std::thread> tricklers;
  struct StopTricklers {  // also when an assertion ends the test early
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~StopTricklers() {
      stop = true;
      for (std::thread& t : threads)
        if (t.joinable()) t.join();
    }
  } stop_tricklers{stop, tricklers};
  // Each sends a header line every 100 ms and reconnects when cut off.
  for (int i = 0; i < kTricklers; ++i)
    tricklers.emplace_back([&, i] {
      bench::trickle_headers(s.port(), "127.0.0." + std::to_string(10 + i), "/api/predict",
                             milliseconds(100), stop, [&](int status, double) {
                               if (status == 408) ++answered_408[i];
                             });
    });
  std::this_thread::sleep_for(milliseconds(300));  // every trickler is connected and sending

  // While they trickle, health and a real upload are answered (the client gives up after 5 s;
  // without the guard both wait for as long as the tricklers go on).
  httplib::Client c("127.0.0.1", s.port());
  c.set_read_timeout(5, 0);
  auto health = c.Get("/api/health");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  std::string name;
  const std::vector<std::uint8_t> song = test::song_bytes(name);
  httplib::MultipartFormDataItems items = {{"file", test::as_string(song), name, "audio/wav"}};
  auto predicted = c.Post("/api/predict", items);
  ASSERT_TRUE(predicted) << httplib::to_string(predicted.error());
  EXPECT_EQ(predicted->status, 200) << predicted->body;

  // Each trickler was cut off with 408 although it never fell silent: the deadline is on the
  // headers' total time, not on each read.
  const Clock::time_point give_up = Clock::now() + std::chrono::seconds(8);
  auto all_cut = [&] {
    for (const auto& n : answered_408)
      if (n == 0) return false;
    return true;
  };
  while (!all_cut() && Clock::now() < give_up) std::this_thread::sleep_for(milliseconds(50));
  for (int i = 0; i < kTricklers; ++i) EXPECT_GE(answered_408[i], 1) << "trickler " << i;
}

TEST(ServerSlowClients, SlowBodiesAreCutOffWith408) {
  ServerOptions o;
  o.connections.body_timeout_s = 1.0;
  test::Served s(o);
  LoopbackConnection c(s.port(), "127.0.0.2");
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(
      c.send("POST /api/predict?name=slow.wav HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n"));
  // 100 bytes every 100 ms: never silent for long, but the whole body would take 100 s.
  const Clock::time_point give_up = Clock::now() + std::chrono::seconds(8);
  while (Clock::now() < give_up && !c.receive_for(milliseconds(100))) c.send(std::string(100, 'x'));
  EXPECT_TRUE(starts_with(c.received(), "HTTP/1.1 408")) << c.received();
  EXPECT_NE(c.received().find("\"status\":408"), std::string::npos) << c.received();
  EXPECT_NE(c.received().find("did not arrive within 1 s"), std::string::npos) << c.received();
}

TEST(ServerSlowClients, ConnectionsAreCappedPerAddressAndInAll) {
  ServerOptions o;
  o.connections.max_per_address = 3;
  o.connections.max_connections = 5;
  test::Served s(o);
  // Connections that have sent part of a request and wait at the gate.
  std::vector<std::unique_ptr<LoopbackConnection>> held;
  auto hold = [&](const std::string& from) {
    held.push_back(std::make_unique<LoopbackConnection>(s.port(), from));
    ASSERT_TRUE(held.back()->connected());
    ASSERT_TRUE(held.back()->send("GET /api/health HTTP/1.1\r\n"));
  };
  for (int i = 0; i < 3; ++i) hold("127.0.0.2");
  hold("127.0.0.4");

  // A fourth from the same address is turned away at once...
  LoopbackConnection fourth(s.port(), "127.0.0.2");
  ASSERT_TRUE(fourth.connected());
  fourth.send(health_request());
  EXPECT_TRUE(fourth.receive_for(milliseconds(5000)));
  EXPECT_TRUE(starts_with(fourth.received(), "HTTP/1.1 503")) << fourth.received();
  EXPECT_NE(fourth.received().find("Retry-After: 2\r\n"), std::string::npos) << fourth.received();
  EXPECT_NE(fourth.received().find("from your address"), std::string::npos) << fourth.received();

  // ...while another address is served.
  LoopbackConnection other(s.port(), "127.0.0.3");
  other.send(health_request());
  EXPECT_TRUE(other.receive_for(milliseconds(5000)));
  EXPECT_TRUE(starts_with(other.received(), "HTTP/1.1 200")) << other.received();

  // Once `other` is forgotten (it counts until the server has closed it)...
  auto open_now = [&] {
    LoopbackConnection asker(s.port(), "127.0.0.7");  // closed by the server, hence forgotten
    asker.send(health_request());
    asker.receive_for(milliseconds(5000));
    const std::string& r = asker.received();
    if (!starts_with(r, "HTTP/1.1 200")) return -1;  // refused while `other` still counts
    return nlohmann::json::parse(r.substr(r.find("\r\n\r\n") + 4))["connections"]["open"]
        .get<int>();
  };
  for (int attempt = 0; attempt < 100 && open_now() != 5; ++attempt)  // 4 held and the asker
    std::this_thread::sleep_for(milliseconds(20));
  ASSERT_EQ(open_now(), 5);
  // ...five held in all: a sixth from a new address is turned away too...
  hold("127.0.0.5");
  bool refused = false;
  for (int attempt = 0; attempt < 50 && !refused; ++attempt) {
    LoopbackConnection sixth(s.port(), "127.0.0.6");
    sixth.send(health_request());
    sixth.receive_for(milliseconds(5000));
    refused = starts_with(sixth.received(), "HTTP/1.1 503") &&
              sixth.received().find("too many connections") != std::string::npos;
    if (!refused) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(refused);

  // ...until one of them leaves.
  held.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    LoopbackConnection next(s.port(), "127.0.0.6");
    next.send(health_request());
    next.receive_for(milliseconds(5000));
    served = starts_with(next.received(), "HTTP/1.1 200");
    if (!served) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace genrec
