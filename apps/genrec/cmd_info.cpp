// genrec info [--model M]: what a model file holds (labels, features, architecture, training).
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "model/genre_model.h"
#include "model/install_paths.h"
#include "model/model_describe.h"

namespace genrec::cli {
namespace {

struct InfoOptions {
  std::string model;
  std::string format = "text";
};

void run_info(const InfoOptions& o) {
  const std::string path = o.model.empty() ? default_model_path() : o.model;
  const GenreModel model = GenreModel::load(path);
  if (o.format == "json")
    std::cout << model.describe().dump(2) << "\n";
  else
    write_model_description(std::cout, model.describe());
}

}  // namespace

void setup_info(CLI::App& app, const GlobalOptions&) {
  auto opt = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "Describe a model file");
  cmd->footer(
      "Without --model, the model shipped with genrec is described.\n"
      "Example: genrec info --model gtzan.genrec --format json");
  cmd->add_option("-m,--model", opt->model, kModelHelp);
  cmd->add_option("-f,--format", opt->format, "text|json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([opt] { run_info(*opt); });
}

}  // namespace genrec::cli
