#pragma once
// `genrec serve`: the web page and JSON API over one shared, read-only model.
//   GET  /                  the page (embedded, see web_assets.h), plus its /app.js, /app.css
//   POST /api/predict       multipart field "file" or a raw body -> SPEC's predict JSON
//                           (?top_k=N, ?segments=0|1, ?spectrogram=1 adds a base64 PNG)
//   POST /api/spectrogram   same upload -> image/png of the log-Mel spectrogram
//   GET  /api/health        liveness, job counts and limits
//   GET  /api/model         the model's description (GenreModel::describe())
// Errors are JSON {"file", "error", "status"} with 400/408/413/415/422/503 (503 has Retry-After).
// Slow and numerous clients are kept in bounds by ConnectionGuard (connection_guard.h).
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "server/connection_guard.h"

namespace genrec {

class GenreModel;
class JobLimiter;

struct ServerOptions {
  std::string host = "127.0.0.1";                        // loopback unless the user asks for more
  int port = 8080;                                       // 0: any free port (see WebServer::bind)
  std::size_t max_upload_bytes = std::size_t{64} << 20;  // a 6-minute CD-quality WAV fits
  int max_jobs = 2;                                      // predictions running at once
  int threads_per_job = 1;                               // network threads of each job
  int max_queue = 16;            // more requests may wait this many at a time...
  double queue_wait_s = 20.0;    // ...for at most this long, then 503
  int retry_after_s = 2;         // the Retry-After of a 503
  int http_threads = 0;          // threads answering requests; 0: max_jobs + max_queue + 4
  ConnectionLimits connections;  // header/body deadlines, connection caps in all and per address
  double max_spectrogram_s = 600.0;
  // Receives one line per request ("POST /api/predict 200 ...") and server events.
  std::function<void(const std::string&)> log;
};

class WebServer {
 public:
  // Keeps a reference to `model`, which must outlive the server. Throws genrec::Error for
  // invalid options.
  WebServer(const GenreModel& model, ServerOptions options);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds host:port (port 0 picks a free one) and returns the port.
  // Throws genrec::Error("serve", "host:port", cause) when the address is unavailable.
  int bind();
  // Serves until stop(); bind() first. Throws genrec::Error when listening fails.
  void run();
  // Stops accepting and lets run() return once in-flight requests finish. Any thread.
  void stop();
  // Whether run() is accepting connections.
  bool running() const;

  // The concurrency limiter, e.g. for tests that hold every slot to provoke a 503.
  JobLimiter& jobs();
  const ServerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace genrec
