// load_client: a bounded HTTP load generator for `genrec serve` (used by scripts/load_test.sh).
// N requests of the given files in turn, from C concurrent clients (keep-alive connections),
// loopback only; optionally beside S slow clients that trickle header lines, each from its own
// loopback address, reconnecting whenever the server cuts them off. Prints latency percentiles,
// requests per second and a count per HTTP status of the fast clients, and what the slow ones
// got, as text and as one JSON line.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "slow_client.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string path = "/api/predict";
  std::vector<std::string> files;
  int requests = 200;
  int clients = 8;
  double timeout_s = 300;  // for the whole run
  int slow = 0;            // slow clients
  double slow_interval_s = 2;
  double slow_head_start_s = 0.5;  // slow clients start this long before the fast ones
};

// What the slow clients saw when the server closed their connections: answers by status
// (-1: closed without one) and the longest a connection of theirs stayed open.
struct SlowStats {
  std::mutex mutex;
  std::map<int, int> by_status;
  double longest_open_s = 0;
};

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  // ref: numpy.percentile(method="linear")
  const double pos = q * static_cast<double>(v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  const double frac = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Bounded load test client for genrec serve (loopback only)"};
  app.add_option("--host", o.host, "Server address (must be loopback)")->capture_default_str();
  app.add_option("--port", o.port, "Server port")->required();
  app.add_option("--path", o.path, "Endpoint")->capture_default_str();
  app.add_option("--file", o.files, "Files to upload as raw request bodies, in turn (repeatable)")
      ->required();
  app.add_option("--requests", o.requests, "Total requests")->check(CLI::Range(1, 10000));
  app.add_option("--clients", o.clients, "Concurrent clients")->check(CLI::Range(1, 64));
  app.add_option("--timeout", o.timeout_s, "Seconds for the whole run")->check(CLI::Range(1, 3600));
  app.add_option("--slow", o.slow,
                 "Slow clients trickling header lines beside the fast ones, each from its own "
                 "loopback address (127.0.0.2, 127.0.0.3, ...)")
      ->check(CLI::Range(0, 250));
  app.add_option("--slow-interval", o.slow_interval_s, "Seconds between a slow client's lines")
      ->check(CLI::Range(0.01, 60.0))
      ->capture_default_str();
  app.add_option("--slow-head-start", o.slow_head_start_s,
                 "Seconds the slow clients trickle before the fast ones start (longer than the "
                 "server's header timeout: the fast ones then meet slow clients reconnecting)")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (o.host != "127.0.0.1" && o.host != "localhost" && o.host != "::1") {
    std::cerr << "load_client: refusing non-loopback host " << o.host << "\n";
    return 2;
  }
  std::vector<std::string> bodies;
  for (const std::string& file : o.files) {
    std::ifstream in(file, std::ios::binary);
    bodies.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (bodies.back().empty()) {
      std::cerr << "load_client: cannot read " << file << "\n";
      return 2;
    }
  }

  std::atomic<bool> stop_slow{false};
  SlowStats slow_stats;
  std::vector<std::thread> slow_clients;
  for (int i = 0; i < o.slow; ++i)
    slow_clients.emplace_back([&, i] {
      genrec::bench::trickle_headers(
          o.port, "127.0.0." + std::to_string(2 + i), o.path,
          std::chrono::milliseconds(static_cast<long long>(o.slow_interval_s * 1000)), stop_slow,
          [&](int status, double open_s) {
            std::lock_guard<std::mutex> lock(slow_stats.mutex);
            slow_stats.by_status[status]++;
            slow_stats.longest_open_s = std::max(slow_stats.longest_open_s, open_s);
          });
    });
  if (o.slow > 0)
    std::this_thread::sleep_for(
        std::chrono::milliseconds(static_cast<long long>(o.slow_head_start_s * 1000)));

  std::atomic<int> next{0};
  std::mutex mutex;
  std::vector<double> latencies_ms;  // of every completed request
  std::map<int, int> by_status;      // -1: no response (connection error)
  std::map<std::string, int> retry_after;
  const Clock::time_point t0 = Clock::now();
  const Clock::time_point deadline =
      t0 + std::chrono::milliseconds(static_cast<long long>(o.timeout_s * 1000));
  std::vector<std::thread> clients;
  for (int c = 0; c < o.clients; ++c)
    clients.emplace_back([&] {
      httplib::Client client(o.host, o.port);
      client.set_keep_alive(true);
      client.set_read_timeout(static_cast<time_t>(o.timeout_s), 0);
      const std::string target = o.path + "?name=load.wav";
      for (int i = next.fetch_add(1); i < o.requests && Clock::now() < deadline;
           i = next.fetch_add(1)) {
        const std::string& body = bodies[static_cast<std::size_t>(i) % bodies.size()];
        const Clock::time_point start = Clock::now();
        auto res = client.Post(target.c_str(), body, "application/octet-stream");
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        std::lock_guard<std::mutex> lock(mutex);
        latencies_ms.push_back(ms);
        by_status[res ? res->status : -1]++;
        if (res && res->status == 503) retry_after[res->get_header_value("Retry-After")]++;
      }
    });
  for (std::thread& t : clients) t.join();
  const double wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  stop_slow = true;
  for (std::thread& t : slow_clients) t.join();
  nlohmann::json slow_json = nlohmann::json::object();
  for (const auto& [status, n] : slow_stats.by_status) slow_json[std::to_string(status)] = n;

  nlohmann::json status_json = nlohmann::json::object();
  int done = 0;
  for (const auto& [status, n] : by_status) {
    status_json[std::to_string(status)] = n;
    done += n;
  }
  const nlohmann::json summary = {{"requests", done},
                                  {"clients", o.clients},
                                  {"wall_s", wall_s},
                                  {"requests_per_s", done / wall_s},
                                  {"by_status", status_json},
                                  {"latency_ms",
                                   {{"p50", percentile(latencies_ms, 0.50)},
                                    {"p95", percentile(latencies_ms, 0.95)},
                                    {"p99", percentile(latencies_ms, 0.99)},
                                    {"max", percentile(latencies_ms, 1.0)}}},
                                  {"retry_after", retry_after},
                                  {"slow",
                                   {{"clients", o.slow},
                                    {"interval_s", o.slow_interval_s},
                                    {"closed_by_status", slow_json},
                                    {"longest_open_s", slow_stats.longest_open_s}}}};
  std::cout << "requests " << done << " from " << o.clients << " clients in " << wall_s
            << " s: " << done / wall_s << " req/s\n"
            << "latency ms: p50 " << summary["latency_ms"]["p50"] << ", p95 "
            << summary["latency_ms"]["p95"] << ", p99 " << summary["latency_ms"]["p99"] << ", max "
            << summary["latency_ms"]["max"] << "\n"
            << "by status: " << status_json.dump() << "\n";
  if (o.slow > 0)
    std::cout << "slow clients: " << o.slow << ", their connections closed by the server with "
              << slow_json.dump() << " (-1: no answer), the longest after "
              << slow_stats.longest_open_s << " s\n";
  std::cout << "json: " << summary.dump() << "\n";
  return done == o.requests ? 0 : 1;
}
