// Routes, limits, logging, lifecycle over cpp-httplib (which only lib/server sees).
#include "server/server.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

#include "audio/error.h"
#include "model/genre_model.h"
#include "report/text_escape.h"
#include "server/analysis.h"
#include "server/guarded_http.h"
#include "server/job_limiter.h"
#include "server/web_assets.h"
#include "server/worker_pool.h"

namespace genrec {
namespace {

using Clock = std::chrono::steady_clock;

// Multipart framing around the file (boundaries, part headers) on top of the file limit.
constexpr std::size_t kMultipartSlack = 64 * 1024;
constexpr std::size_t kMaxNameLength = 200;
// How much of an oversized body without Content-Length is read and dropped before closing.
constexpr std::size_t kMaxDrainedBytes = std::size_t{64} << 20;
// Everything the page uses comes from this server; inline data: URLs carry the spectrogram
// and the player plays the user's own file through a blob: URL.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; "
    "script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

// What an upload endpoint returns: the predict JSON, the spectrogram PNG, or a playable WAV.
enum class UploadReply { kPredict, kSpectrogram, kAudio };

struct Upload {
  std::vector<std::uint8_t> bytes;
  std::string name = "upload";
  ApiReply error;  // status 200: fine
};

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string megabytes(std::size_t bytes) {
  std::ostringstream os;
  os.precision(bytes >= (std::size_t{10} << 20) ? 0 : 1);
  os << std::fixed << static_cast<double>(bytes) / (1 << 20) << " MB";
  return os.str();
}

// A file name fit for messages and logs: the last path component, printable, bounded.
std::string clean_name(const std::string& raw) {
  std::string name =
      raw.substr(raw.find_last_of("/\\") == std::string::npos ? 0 : raw.find_last_of("/\\") + 1);
  std::string out;
  for (char c : name)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  if (out.size() > kMaxNameLength) out.resize(kMaxNameLength);
  return out.empty() ? "upload" : out;
}

ApiReply error_reply(int status, const std::string& file, const std::string& message) {
  ApiReply r;
  r.status = status;
  r.body = {{"error", message}, {"status", status}};
  if (!file.empty()) r.body["file"] = file;
  return r;
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  // A file name need not be UTF-8: replace what is not rather than fail the reply.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

std::string too_large_message(std::size_t limit) {
  return "The file is too large: the limit is " + megabytes(limit) + ".";
}

// Reads the body through httplib's content reader, keeping at most `limit` bytes of the
// "file" part (multipart) or of the raw body, so an oversized upload never sits in memory.
// Past the limit the rest is read and dropped (up to a bound), as httplib does for a large
// Content-Length: closing on unread data would reset the connection before the client
// reads our 413.
Upload read_upload(const httplib::Request& req, const httplib::ContentReader& reader,
                   std::size_t limit) {
  Upload up;
  bool too_large = false;
  std::size_t dropped = 0;
  const std::size_t max_dropped = limit + kMaxDrainedBytes;
  auto append = [&](const char* data, std::size_t n) {
    if (!too_large && up.bytes.size() + n > limit) {
      too_large = true;
      dropped = up.bytes.size();
      up.bytes = {};
    }
    if (too_large) {
      dropped += n;
      return dropped <= max_dropped;
    }
    up.bytes.insert(up.bytes.end(), data, data + n);
    return true;
  };
  // One allocation of the announced size instead of repeated doubling.
  if (req.has_header("Content-Length"))
    up.bytes.reserve(static_cast<std::size_t>(
        std::min<std::uint64_t>(req.get_header_value<std::uint64_t>("Content-Length"), limit)));
  bool ok = true;
  if (req.is_multipart_form_data()) {
    int file_parts = 0;
    bool in_file = false;
    ok = reader(
        [&](const httplib::MultipartFormData& part) {
          in_file = part.name == "file" && file_parts++ == 0;  // the first; more are refused
          if (in_file && !part.filename.empty()) up.name = clean_name(part.filename);
          return true;
        },
        [&](const char* data, std::size_t n) { return in_file ? append(data, n) : true; });
    if (ok && file_parts == 0)
      up.error = error_reply(400, "", "The form has no \"file\" field: attach an audio file.");
    // Two files in one form: answering for one of them would mislead.
    if (ok && file_parts > 1)
      up.error = error_reply(400, up.name,
                             "The form has more than one \"file\" field: send one file per "
                             "request.");
  } else {
    ok = reader(append);
    if (req.has_param("name")) up.name = clean_name(req.get_param_value("name"));
  }
  // httplib itself refuses (and skips) a body whose Content-Length exceeds its payload limit.
  if (!ok && req.has_header("Content-Length") &&
      req.get_header_value<std::uint64_t>("Content-Length") > limit)
    too_large = true;
  if (too_large)
    up.error = error_reply(413, up.name, too_large_message(limit));
  else if (!ok && up.error.status == 200)
    up.error = error_reply(400, up.name, "The upload could not be read completely.");
  else if (up.error.status == 200 && up.bytes.empty())
    up.error = error_reply(400, up.name, "The upload was empty: choose an audio file.");
  return up;
}

bool flag_param(const httplib::Request& req, const char* key, bool fallback) {
  if (!req.has_param(key)) return fallback;
  const std::string v = req.get_param_value(key);
  return !(v == "0" || v == "false" || v == "no");
}

int int_param(const httplib::Request& req, const char* key, int fallback) {
  if (!req.has_param(key)) return fallback;
  try {
    return std::stoi(req.get_param_value(key));
  } catch (const std::exception&) {
    return fallback;
  }
}

int http_threads(const ServerOptions& o) {
  return o.http_threads > 0 ? o.http_threads : o.max_jobs + o.max_queue + 4;
}

// A request whose body missed its deadline (ConnectionGuard) failed to read: say so with 408.
bool body_timed_out() {
  const Connection* c = Connection::current();
  return c && c->timed_out();
}

std::string body_timeout_message(double seconds) {
  std::ostringstream os;
  os << "The upload did not arrive within " << seconds << " s.";
  return os.str();
}

// The methods a path answers ("" when nothing is there), for 405's Allow header.
std::string allowed_methods(const std::string& path) {
  if (path == "/api/predict" || path == "/api/spectrogram" || path == "/api/audio") return "POST";
  if (path == "/api/health" || path == "/api/model" || find_web_asset(path)) return "GET, HEAD";
  return "";
}

}  // namespace

struct WebServer::Impl {
  Impl(const GenreModel& m, ServerOptions o)
      : model(m),
        options(std::move(o)),
        jobs(options.max_jobs, options.max_queue,
             std::chrono::milliseconds(std::llround(options.queue_wait_s * 1000))),
        workers(options.max_jobs),
        http(
            options.connections, http_threads(options), options.retry_after_s,
            [](int status, const std::string& message) {
              return error_reply(status, "", message).body.dump();
            },
            [this](const std::string& line) { log(line); }) {}

  void log(const std::string& line) const {
    if (options.log) options.log(line);
  }
  void setup_routes();
  void handle_upload(const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& reader, UploadReply kind);
  void run_job(const httplib::Request& req, httplib::Response& res, Upload up, AnalysisOptions ao,
               UploadReply kind);
  nlohmann::json health() const;

  const GenreModel& model;
  ServerOptions options;
  JobLimiter jobs;
  WorkerPool workers;
  GuardedHttpServer http;
  Clock::time_point started = Clock::now();
  int port = -1;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> in_run{false};
};

nlohmann::json WebServer::Impl::health() const {
  const ModelInfo& info = model.info();
  return {{"status", "ok"},
          {"model", info.name},
          {"labels", info.labels},
          {"uptime_s", std::round(ms_since(started) / 100) / 10},
          {"jobs",
           {{"running", jobs.running()},
            {"waiting", jobs.waiting()},
            {"max_running", options.max_jobs},
            {"max_waiting", options.max_queue}}},
          {"limits",
           {{"max_upload_bytes", options.max_upload_bytes},
            {"max_spectrogram_s", options.max_spectrogram_s},
            {"queue_wait_s", options.queue_wait_s},
            {"header_timeout_s", options.connections.header_timeout_s},
            {"body_timeout_s", options.connections.body_timeout_s}}},
          {"connections",
           {{"open", http.guard().open_connections()},
            {"max_open", options.connections.max_connections},
            {"max_per_address", options.connections.max_per_address}}}};
}

void WebServer::Impl::handle_upload(const httplib::Request& req, httplib::Response& res,
                                    const httplib::ContentReader& reader, UploadReply kind) {
  const Clock::time_point t0 = Clock::now();
  Upload up = read_upload(req, reader, options.max_upload_bytes);
  if (up.error.status == 400 && body_timed_out())
    up.error = error_reply(408, up.name, body_timeout_message(options.connections.body_timeout_s));
  if (up.error.status != 200) {
    send_json(res, up.error.status, up.error.body);
    return;
  }
  std::optional<JobLimiter::Slot> slot = jobs.acquire();
  if (!slot) {
    res.set_header("Retry-After", std::to_string(options.retry_after_s));
    send_json(res, 503,
              error_reply(503, up.name,
                          "The server is busy with other songs. Try again in a few seconds.")
                  .body);
    return;
  }
  AnalysisOptions ao;
  ao.max_spectrogram_s = options.max_spectrogram_s;
  // The slot guarantees a free worker: the work starts at once on a pool thread.
  workers.run([&] { run_job(req, res, std::move(up), ao, kind); });
  std::ostringstream timing;
  timing.precision(1);
  timing << std::fixed << "job;dur=" << ms_since(t0);
  res.set_header("Server-Timing", timing.str());
}

void WebServer::Impl::run_job(const httplib::Request& req, httplib::Response& res, Upload up,
                              AnalysisOptions ao, UploadReply kind) {
  if (kind == UploadReply::kAudio) {
    AudioReply a = decode_upload_wav(model.info().features, std::move(up.bytes), up.name, ao);
    if (a.wav.empty()) {
      send_json(res, a.error.status, a.error.body);
    } else {
      res.set_header("X-Audio-Seconds", std::to_string(a.seconds));
      res.set_content(reinterpret_cast<const char*>(a.wav.data()), a.wav.size(), "audio/wav");
    }
  } else if (kind == UploadReply::kSpectrogram) {
    SpectrogramReply s =
        render_upload_spectrogram(model.info().features, std::move(up.bytes), up.name, ao);
    if (s.png.empty()) {
      send_json(res, s.error.status, s.error.body);
    } else {
      res.set_header("X-Spectrogram-Seconds", std::to_string(s.seconds));
      res.set_content(reinterpret_cast<const char*>(s.png.data()), s.png.size(), "image/png");
    }
  } else {
    ao.top_k = int_param(req, "top_k", 0);
    ao.segments = flag_param(req, "segments", true);
    ao.spectrogram = flag_param(req, "spectrogram", false);
    ao.threads = options.threads_per_job;
    ApiReply r = analyse_upload(model, std::move(up.bytes), up.name, ao);
    send_json(res, r.status, r.body);
  }
}

void WebServer::Impl::setup_routes() {
  http.Get("/api/health", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, health());
  });
  http.Get("/api/model", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, model.describe());
  });
  http.Post("/api/predict", [this](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) {
    handle_upload(req, res, reader, UploadReply::kPredict);
  });
  http.Post("/api/spectrogram", [this](const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& reader) {
    handle_upload(req, res, reader, UploadReply::kSpectrogram);
  });
  http.Post("/api/audio", [this](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) {
    handle_upload(req, res, reader, UploadReply::kAudio);
  });
  http.Get(R"(/[A-Za-z0-9._-]*)", [](const httplib::Request& req, httplib::Response& res) {
    const WebAsset* asset = find_web_asset(req.path);
    if (!asset) {
      send_json(res, 404, error_reply(404, "", "Nothing here: " + req.path).body);
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_content(reinterpret_cast<const char*>(asset->data), asset->size,
                    web_content_type(req.path).c_str());
  });

  // Any other method on a path that exists: 405 with Allow; elsewhere 404.
  auto other_method = [](const httplib::Request& req, httplib::Response& res) {
    const std::string allow = allowed_methods(req.path);
    if (allow.empty()) {
      send_json(res, 404, error_reply(404, "", "Nothing here: " + req.path).body);
      return;
    }
    res.set_header("Allow", allow);
    send_json(res, 405,
              error_reply(405, "",
                          "Method not allowed: " + req.method + " " + req.path +
                              " (allowed: " + allow + ")")
                  .body);
  };
  http.Get(".*", other_method);
  http.Post(".*", other_method);
  http.Put(".*", other_method);
  http.Patch(".*", other_method);
  http.Delete(".*", other_method);
  http.Options(".*", other_method);

  // Statuses httplib sets itself (413 from the Content-Length check, 404, 400) get JSON too.
  http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 400 && body_timed_out()) res.status = 408;
    std::string message;
    switch (res.status) {
      case 408:
        message = body_timeout_message(options.connections.body_timeout_s);
        break;
      case 413:
        message = too_large_message(options.max_upload_bytes);
        break;
      case 404:
        message = "Nothing here: " + req.path;
        break;
      case 405:
        message = "Method not allowed: " + req.method + " " + req.path;
        break;
      default:
        message = "Bad request (HTTP " + std::to_string(res.status) + ").";
        break;
    }
    if (res.status == 413 || res.status == 408) res.set_header("Connection", "close");
    send_json(res, res.status, error_reply(res.status, "", message).body);
  });
  http.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        log("error: " + printable(req.method) + " " + printable(req.path) + ": " + printable(what));
        send_json(res, 500, error_reply(500, "", "Internal error: " + what).body);
      });
  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    std::ostringstream line;
    // The path is the client's: escaped, so that "%0a" in a URL cannot forge a log line.
    line << req.remote_addr << " " << printable(req.method) << " " << printable(req.path) << " "
         << res.status << " "
         << (req.has_header("Content-Length") ? req.get_header_value("Content-Length") : "0")
         << "B in, " << res.body.size() << "B out";
    const std::string timing = res.get_header_value("Server-Timing");
    if (!timing.empty()) line << ", " << timing.substr(timing.find('=') + 1) << " ms";
    log(line.str());
  });
}

WebServer::WebServer(const GenreModel& model, ServerOptions options)
    : impl_(std::make_unique<Impl>(model, std::move(options))) {
  const ServerOptions& o = impl_->options;
  if (o.max_upload_bytes == 0) throw Error("serve", "max_upload_bytes", "must be positive");
  if (o.queue_wait_s < 0) throw Error("serve", "queue_wait_s", "must not be negative");
  if (o.port < 0 || o.port > 65535) throw Error("serve", "port", "must be in [0, 65535]");
  impl_->http.set_payload_max_length(o.max_upload_bytes + kMultipartSlack);
  // httplib's default also sets SO_REUSEPORT, which would let a second server share a port
  // that is in use; SO_REUSEADDR alone allows a quick restart and nothing more.
  impl_->http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  impl_->setup_routes();
}

WebServer::~WebServer() { stop(); }

int WebServer::bind() {
  Impl& d = *impl_;
  if (d.port > 0) return d.port;
  const std::string where = d.options.host + ":" + std::to_string(d.options.port);
  if (d.options.port == 0) {
    d.port = d.http.bind_to_any_port(d.options.host);
  } else if (d.http.bind_to_port(d.options.host, d.options.port)) {
    d.port = d.options.port;
  }
  if (d.port <= 0) {
    d.port = -1;
    throw Error("serve", where, "cannot listen here (address in use or not available)");
  }
  return d.port;
}

void WebServer::run() {
  Impl& d = *impl_;
  bind();
  if (d.stop_requested) return;
  d.in_run = true;
  d.log("listening on http://" + d.options.host + ":" + std::to_string(d.port) + "/");
  const bool ok = d.http.listen_after_bind();
  d.in_run = false;
  if (!ok && !d.stop_requested) throw Error("serve", d.options.host, "the listener failed");
}

void WebServer::stop() {
  Impl& d = *impl_;
  d.stop_requested = true;
  // run() may be between its check and httplib's start: wait until it is listening.
  while (d.in_run && !d.http.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  d.http.stop();
}

bool WebServer::running() const { return impl_->http.is_running(); }
JobLimiter& WebServer::jobs() { return impl_->jobs; }
const ServerOptions& WebServer::options() const { return impl_->options; }

}  // namespace genrec
