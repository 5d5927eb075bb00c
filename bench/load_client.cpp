// load_client: a bounded HTTP load generator for `genrec serve` (used by scripts/load_test.sh).
// N requests of one file, from C concurrent clients (keep-alive connections), loopback only.
// Prints latency percentiles, requests per second and a count per HTTP status, as text and
// as one JSON line.
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

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string path = "/api/predict";
  std::string file;
  int requests = 200;
  int clients = 8;
  double timeout_s = 300;  // for the whole run
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
  app.add_option("--file", o.file, "File to upload as the raw request body")->required();
  app.add_option("--requests", o.requests, "Total requests")->check(CLI::Range(1, 10000));
  app.add_option("--clients", o.clients, "Concurrent clients")->check(CLI::Range(1, 64));
  app.add_option("--timeout", o.timeout_s, "Seconds for the whole run")->check(CLI::Range(1, 3600));
  CLI11_PARSE(app, argc, argv);
  if (o.host != "127.0.0.1" && o.host != "localhost" && o.host != "::1") {
    std::cerr << "load_client: refusing non-loopback host " << o.host << "\n";
    return 2;
  }
  std::ifstream in(o.file, std::ios::binary);
  const std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (body.empty()) {
    std::cerr << "load_client: cannot read " << o.file << "\n";
    return 2;
  }

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
      while (next.fetch_add(1) < o.requests && Clock::now() < deadline) {
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
                                  {"retry_after", retry_after}};
  std::cout << "requests " << done << " from " << o.clients << " clients in " << wall_s
            << " s: " << done / wall_s << " req/s\n"
            << "latency ms: p50 " << summary["latency_ms"]["p50"] << ", p95 "
            << summary["latency_ms"]["p95"] << ", p99 " << summary["latency_ms"]["p99"] << ", max "
            << summary["latency_ms"]["max"] << "\n"
            << "by status: " << status_json.dump() << "\n"
            << "json: " << summary.dump() << "\n";
  return done == o.requests ? 0 : 1;
}
