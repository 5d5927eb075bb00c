// genrec: one executable, thin subcommands over the library. Exit codes: 0 success,
// 1 at least one input failed, 2 usage error.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "audio/error.h"
#include "commands.h"

namespace genrec::cli {
int GlobalOptions::resolved_threads() const {
  return threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}
}  // namespace genrec::cli

int main(int argc, char** argv) {
  using namespace genrec::cli;
  // stdout is for results only: every log line goes to stderr.
  auto logger = spdlog::stderr_color_mt("genrec");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);

  GlobalOptions global;
  CLI::App app{"genrec: music genre recognition with a CNN on log-Mel spectrograms"};
  app.require_subcommand(1);
  app.add_option("--threads", global.threads, "Worker threads (0 = all cores)")
      ->check(CLI::Range(0, 256));
  app.add_option("--log-level", global.log_level, "trace|debug|info|warn|error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_flag("--quiet", global.quiet, "Only errors on stderr");
  app.parse_complete_callback([&global] {
    spdlog::set_level(global.quiet ? spdlog::level::err
                                   : spdlog::level::from_str(global.log_level));
  });
  setup_mel(app, global);
  setup_features(app, global);
  setup_train(app, global);
  setup_info(app, global);
  setup_synth(app, global);
  setup_preprocess(app, global);
  setup_serve(app, global);
  setup_predict(app, global);
  setup_eval(app, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const PartialFailure&) {
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
