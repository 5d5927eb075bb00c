// genrec serve: the web page and JSON API (lib/server) over the shipped or a given model.
#include <spdlog/spdlog.h>

#include "commands.h"
#include "model/genre_model.h"
#include "model/install_paths.h"
#include "server/server.h"
#include "server/stop_signals.h"

namespace genrec::cli {
namespace {
struct ServeOptions {
  std::string model;
  ServerOptions server;
  double max_upload_mb = 64;
};

void run_serve(const ServeOptions& o, const GlobalOptions& global, bool max_jobs_given) {
  StopSignals signals;  // from here on, SIGINT/SIGTERM stop the server cleanly
  const std::string path = o.model.empty() ? default_model_path() : o.model;
  const GenreModel model = GenreModel::load(path);
  spdlog::info("model {} ({} genres) from {}", model.info().name, model.n_labels(), path);

  ServerOptions so = o.server;
  so.max_upload_bytes = static_cast<std::size_t>(o.max_upload_mb * (1 << 20));
  // One job per core, each on one intra-op thread, unless told otherwise.
  if (!max_jobs_given) so.max_jobs = global.resolved_threads();
  so.log = [](const std::string& line) { spdlog::info("{}", line); };
  if (so.host != "127.0.0.1" && so.host != "localhost" && so.host != "::1")
    spdlog::warn("listening on {}: other machines can reach this server", so.host);
  WebServer server(model, so);
  server.bind();
  spdlog::info("up to {} jobs at once, {} more waiting; uploads up to {:.1f} MiB", so.max_jobs,
               so.max_queue, o.max_upload_mb);
  spdlog::info("up to {} connections ({} per address); headers within {} s, bodies within {} s",
               so.connections.max_connections, so.connections.max_per_address,
               so.connections.header_timeout_s, so.connections.body_timeout_s);
  const int sig = signals.serve(server);
  spdlog::info("stopped{}", sig ? " on signal " + std::to_string(sig) : "");
}
}  // namespace

void setup_serve(CLI::App& app, const GlobalOptions& global) {
  auto opt = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the web page and JSON API for predictions");
  cmd->footer(
      "Example: genrec serve --port 8080, then open http://127.0.0.1:8080/ or\n"
      "  curl -F file=@song.mp3 http://127.0.0.1:8080/api/predict");
  cmd->add_option("-m,--model", opt->model, kModelHelp);
  cmd->add_option("--host", opt->server.host,
                  "Address to listen on (0.0.0.0 exposes the server to the network)")
      ->capture_default_str();
  cmd->add_option("--port", opt->server.port, "Port (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--max-upload-mb", opt->max_upload_mb, "Largest accepted upload in MiB")
      ->check(CLI::Range(0.001, 4096.0))
      ->capture_default_str();
  CLI::Option* max_jobs =
      cmd->add_option("--max-jobs", opt->server.max_jobs,
                      "Predictions running at once (default: --threads, or the core count)")
          ->check(CLI::Range(1, 256));
  cmd->add_option("--max-queue", opt->server.max_queue,
                  "Requests that may wait for a job slot; more get 503")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  cmd->add_option("--queue-wait", opt->server.queue_wait_s,
                  "Seconds a request may wait for a job slot before 503")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  ConnectionLimits& limits = opt->server.connections;
  cmd->add_option("--header-timeout", limits.header_timeout_s,
                  "Seconds a request's headers may take in all from their first byte; "
                  "slower clients get 408")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_option("--body-timeout", limits.body_timeout_s,
                  "Seconds an upload may take in all after its headers; slower ones get 408")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_option("--max-connections", limits.max_connections,
                  "Connections open at once; more get 503 at once")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  cmd->add_option("--max-connections-per-address", limits.max_per_address,
                  "Connections open at once from one client address; more get 503 at once")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  cmd->callback([opt, &global, max_jobs] { run_serve(*opt, global, max_jobs->count() > 0); });
}

}  // namespace genrec::cli
