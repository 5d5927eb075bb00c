// genrec predict [--model M] INPUT... : the genre of each input, as text, json, jsonl or csv.
#include <spdlog/spdlog.h>

#include <iostream>

#include "audio/error.h"
#include "audio/input_list.h"
#include "commands.h"
#include "model/genre_model.h"
#include "model/install_paths.h"
#include "model/predictor.h"
#include "report/predict_format.h"

namespace genrec::cli {
namespace {
struct PredictCmdOptions {
  std::string model;
  std::vector<std::string> inputs;
  int top_k = 3;
  std::string format = "text";
  bool segments = false;
  int batch_size = 16;
};

void run_predict(const PredictCmdOptions& o, const GlobalOptions& g) {
  const PredictFormat format = parse_predict_format(o.format);
  const GenreModel model = GenreModel::load(o.model.empty() ? default_model_path() : o.model);
  const std::vector<std::string> paths = expand_inputs(o.inputs, std::cin);
  if (paths.empty()) throw Error("predict", "inputs", "no audio files found");
  PredictionWriter writer(std::cout, format, model.info().labels, {o.top_k, o.segments});
  PredictOptions popt;
  popt.batch_size = o.batch_size;
  std::size_t failed = 0;
  predict_files(model, paths, popt, g.resolved_threads(), [&](const Prediction& p) {
    if (!p.ok()) {
      ++failed;
      spdlog::error("{}", p.error);
    }
    writer.write(p);
  });
  spdlog::debug("{} inputs, {} failed", paths.size(), failed);
  if (failed > 0) throw PartialFailure{};
}
}  // namespace

void setup_predict(CLI::App& app, const GlobalOptions& global) {
  auto opt = std::make_shared<PredictCmdOptions>();
  CLI::App* cmd = app.add_subcommand("predict", "Predict the genre of audio files");
  cmd->footer(
      "INPUT is a file, a directory (searched recursively) or - (paths on stdin).\n"
      "Examples:\n"
      "  genrec predict song.mp3\n"
      "  genrec predict --format json --segments song.flac\n"
      "  find ~/Music -name '*.mp3' | genrec predict - --format jsonl | jq -r .genre");
  cmd->add_option("--model", opt->model, "Model file (default: the shipped model)");
  cmd->add_option("input", opt->inputs, "Audio files, directories or -")->required();
  cmd->add_option("--top-k", opt->top_k, "Genres listed per file")->check(CLI::Range(1, 1000));
  cmd->add_option("--format", opt->format, "text|json|jsonl|csv")
      ->check(CLI::IsMember({"text", "json", "jsonl", "csv"}));
  cmd->add_flag("--segments", opt->segments, "Include the per-segment timeline");
  cmd->add_option("--batch-size", opt->batch_size, "Segments per forward pass")
      ->check(CLI::Range(1, 1024));
  cmd->callback([opt, &global] { run_predict(*opt, global); });
}

}  // namespace genrec::cli
