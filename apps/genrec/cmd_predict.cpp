// genrec predict [--model M] INPUT... : the genre of each input, as text, json, jsonl or csv.
#include <spdlog/spdlog.h>

#include <iostream>

#include "audio/error.h"
#include "audio/input_list.h"
#include "commands.h"
#include "model/genre_model.h"
#include "model/install_paths.h"
#include "model/predictor.h"
#include "progress_bar.h"
#include "report/predict_format.h"
#include "report/text_escape.h"

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

// One file named on the command line gives one JSON object; anything that can stand for
// several (several inputs, a directory, a list on stdin) gives an array, however many it holds.
bool one_named_file(const std::vector<std::string>& inputs, const std::vector<std::string>& paths) {
  return inputs.size() == 1 && inputs[0] != "-" && paths.size() == 1 && paths[0] == inputs[0];
}

void run_predict(const PredictCmdOptions& o, const GlobalOptions& g) {
  const PredictFormat format = parse_predict_format(o.format);
  const GenreModel model = GenreModel::load(o.model.empty() ? default_model_path() : o.model);
  std::vector<std::uint8_t> stdin_audio;
  const std::vector<std::string> paths = expand_inputs(o.inputs, std::cin, &stdin_audio);
  if (paths.empty()) throw Error("predict", "inputs", "no audio files found");
  PredictFormatOptions fopt;
  fopt.top_k = o.top_k;
  fopt.with_segments = o.segments;
  fopt.json_array = !one_named_file(o.inputs, paths);
  PredictionWriter writer(std::cout, format, model.info().labels, fopt);
  PredictOptions popt;
  popt.batch_size = o.batch_size;
  ProgressBar bar(g.quiet || paths.size() < 2, "files");
  std::size_t failed = 0, done = 0;
  predict_files(
      model, paths, popt, g.resolved_threads(),
      [&](const Prediction& p) {
        bar.clear();
        if (!p.ok()) {
          ++failed;
          spdlog::error("{}", printable(p.error));
        }
        writer.write(p);
        bar.update("predict", ++done, paths.size());
      },
      stdin_audio);
  bar.clear();
  writer.finish();
  spdlog::debug("{} inputs, {} failed", paths.size(), failed);
  if (failed > 0) throw PartialFailure{};
}
}  // namespace

void setup_predict(CLI::App& app, const GlobalOptions& global) {
  auto opt = std::make_shared<PredictCmdOptions>();
  CLI::App* cmd = app.add_subcommand("predict", "Predict the genre of audio files");
  cmd->footer(
      "INPUT is a file, a directory (searched recursively) or - (standard input: a list of\n"
      "paths, one a line, or the audio itself). --format json prints one object for one file\n"
      "and an array for several; csv with --segments prints one row per segment.\n"
      "Examples:\n"
      "  genrec predict song.mp3\n"
      "  genrec predict --format json --segments song.flac\n"
      "  find ~/Music -name '*.mp3' | genrec predict - --format jsonl | jq -r .genre\n"
      "  curl -s https://example.org/song.ogg | genrec predict -");
  cmd->add_option("-m,--model", opt->model, kModelHelp);
  cmd->add_option("input", opt->inputs, "Audio files, directories or - (stdin)")
      ->default_str("")
      ->required();
  cmd->add_option("-k,--top-k", opt->top_k, "Genres listed per file")->check(CLI::Range(1, 1000));
  cmd->add_option("-f,--format", opt->format, "text|json|jsonl|csv")
      ->check(CLI::IsMember({"text", "json", "jsonl", "csv"}));
  cmd->add_flag("-s,--segments", opt->segments,
                "Include the per-segment timeline (csv: one row per segment)");
  cmd->add_option("--batch-size", opt->batch_size, "Segments per forward pass")
      ->check(CLI::Range(1, 1024));
  cmd->callback([opt, &global] { run_predict(*opt, global); });
}

}  // namespace genrec::cli
