// genrec: one executable, thin subcommands over the library. Exit codes: 0 success,
// 1 at least one input failed, 2 usage error.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "audio/error.h"
#include "commands.h"
#include "genrec_version.h"

namespace genrec::cli {
int GlobalOptions::resolved_threads() const {
  return threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

namespace {

// "genrec predict --threads 2 x.wav": CLI11 only says the flag was not expected; say where the
// options of genrec itself go. Empty when no global option follows the command.
std::string misplaced_global_hint(const CLI::App& app, int argc, char** argv) {
  const CLI::App* command = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!command) {
      for (const CLI::App* sub : app.get_subcommands({}))
        if (sub->get_name() == arg) command = sub;
      continue;
    }
    const std::string name = arg.substr(0, arg.find('='));
    if (name.size() < 2 || name[0] != '-' || command->get_option_no_throw(name)) continue;
    if (!app.get_option_no_throw(name)) continue;
    return fmt::format(
        "hint: {} is an option of genrec itself, not of '{}': put it before the "
        "command, e.g. genrec {} ... {} ...",
        name, command->get_name(), name, command->get_name());
  }
  return "";
}

}  // namespace
}  // namespace genrec::cli

namespace {
// Results that never reached stdout (a full disk, /dev/full, a closed pipe) are a failure.
int checked_stdout(int code) {
  std::cout.flush();
  if (std::cout) return code;
  spdlog::error("stdout: cannot write the results (disk full or output closed)");
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace genrec::cli;
  // stdout is for results only: every log line goes to stderr. NO_COLOR (no-color.org): plain.
  const char* no_color = std::getenv("NO_COLOR");
  auto logger = spdlog::stderr_color_mt(
      "genrec", no_color && *no_color ? spdlog::color_mode::never : spdlog::color_mode::automatic);
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);

  GlobalOptions global;
  CLI::App app{"genrec: music genre recognition with a CNN on log-Mel spectrograms"};
  app.require_subcommand(1);
  // Every option of every command shows its default in --help.
  app.option_defaults()->always_capture_default();
  app.set_version_flag("-V,--version", fmt::format("genrec {}", genrec::kVersion));
  app.add_option("-j,--threads", global.threads, "Worker threads (0 = all cores)")
      ->envname("GENREC_THREADS")
      ->check(CLI::Range(0, 256));
  app.add_option("--log-level", global.log_level, "trace|debug|info|warn|error")
      ->envname("GENREC_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_flag("-q,--quiet", global.quiet, "Only errors on stderr (no logs, no progress)");
  app.footer(
      "Options of genrec itself go before the command: genrec --threads 2 predict song.mp3\n"
      "Environment:\n"
      "  GENREC_MODEL      model used when --model is not given (default: the shipped model)\n"
      "  GENREC_THREADS    default of --threads\n"
      "  GENREC_LOG_LEVEL  default of --log-level\n"
      "  NO_COLOR          when set and not empty, log lines are not coloured\n"
      "Run 'genrec COMMAND --help' for a command's options and an example.\n"
      "Example: genrec predict song.mp3");
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
  setup_calibrate(app, global);
  setup_completion(app);
  setup_manpage(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code == 0) return 0;
    const std::string hint = misplaced_global_hint(app, argc, argv);
    if (!hint.empty()) std::cerr << hint << "\n";
    return 2;
  } catch (const PartialFailure&) {
    return checked_stdout(1);
  } catch (const UsageError& e) {
    spdlog::error("{}", e.what());
    return checked_stdout(2);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return checked_stdout(1);
  }
  return checked_stdout(0);
}
