#pragma once
// The command line as plain data, read from the CLI11 app after every command is set up, so
// the man page and the shell completions are generated from the same definitions as --help.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace genrec::cli {

struct OptionDoc {
  std::vector<std::string> names;  // "-m", "--model"; empty for a positional argument
  std::string positional;          // the positional's name ("input"), else empty
  bool takes_value = false;        // false for flags
  std::string description;
  std::string default_value;         // as --help shows it; empty when none
  std::string env;                   // the environment variable that sets it, if any
  std::vector<std::string> choices;  // the allowed values of an IsMember check
};

struct CommandDoc {
  std::string name;  // empty for genrec itself
  std::string description;
  std::string footer;
  std::vector<OptionDoc> options;
};

// genrec itself first, then each visible command in the order they were registered.
std::vector<CommandDoc> command_table(const CLI::App& app);

}  // namespace genrec::cli
