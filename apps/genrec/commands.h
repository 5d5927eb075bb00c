#pragma once
// Each subcommand lives in its own cmd_<name>.cpp: an options struct, setup_<name>() that
// registers it on the CLI11 app, and a run function. main.cpp only registers them.
#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace genrec::cli {

// Options shared by every command, parsed before the subcommand runs.
struct GlobalOptions {
  int threads = 0;  // 0: all cores
  std::string log_level = "info";
  bool quiet = false;
  int resolved_threads() const;  // threads, or the core count when 0
};

// A CLI11 check for an option naming a file the command writes (or - for stdout): an unknown
// extension or a missing folder is a usage error before any work (model/output_file.h).
CLI::Validator output_file_check(const std::vector<std::string>& formats);

// The --model help of every command that reads a model (see model/install_paths.h).
inline constexpr const char* kModelHelp =
    "Model file (default: $GENREC_MODEL, else the model installed with genrec)";

// Thrown by a command whose inputs partly failed after printing its results: exit code 1.
struct PartialFailure {};

// A request this build or machine cannot serve (e.g. --device cuda without CUDA): main prints
// the message as one line and exits with code 2, as for a bad flag.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void setup_mel(CLI::App& app, const GlobalOptions& global);
void setup_features(CLI::App& app, const GlobalOptions& global);
void setup_train(CLI::App& app, const GlobalOptions& global);
void setup_info(CLI::App& app, const GlobalOptions& global);
void setup_synth(CLI::App& app, const GlobalOptions& global);
void setup_preprocess(CLI::App& app, const GlobalOptions& global);
void setup_serve(CLI::App& app, const GlobalOptions& global);
void setup_predict(CLI::App& app, const GlobalOptions& global);
void setup_eval(CLI::App& app, const GlobalOptions& global);
void setup_calibrate(CLI::App& app, const GlobalOptions& global);
// Both read the whole app: register them after every other command.
void setup_completion(CLI::App& app);
void setup_manpage(CLI::App& app);

}  // namespace genrec::cli
