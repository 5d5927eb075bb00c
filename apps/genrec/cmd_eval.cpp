// genrec eval --model M --data DIR [--split SPEC:PART]: accuracy, per-genre metrics and the
// confusion matrix at segment and song level.
#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>

#include "audio/error.h"
#include "commands.h"
#include "data/data_source.h"
#include "data/split.h"
#include "data_flags.h"
#include "model/evaluate.h"
#include "model/genre_model.h"
#include "model/install_paths.h"
#include "model/output_file.h"
#include "progress_bar.h"
#include "report/confusion_plot.h"
#include "report/text_escape.h"

namespace genrec::cli {
namespace {
const std::vector<std::string> kPlotFormats = {"png", "svg", "pdf"};

struct EvalCommandOptions {
  std::string model;
  DataOptions data;
  std::string split = "all";
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::string format = "text";
  std::string plot;
  bool include_trained = false;
};

// The split seed: --seed, else the one the model was trained with (so "SPEC:test" is the
// model's own held-out part), else 0.
std::uint64_t split_seed(const EvalCommandOptions& o, const GenreModel& model) {
  if (o.seed_given) return o.seed;
  const nlohmann::json& t = model.info().training;
  for (const char* key : {"split_seed", "seed"})
    if (t.contains(key) && t[key].is_number_unsigned()) return t[key].get<std::uint64_t>();
  return 0;
}

void print_text(std::ostream& out, const EvalResult& r, bool model_calibrated) {
  const Metrics song = compute_metrics(r.songs);
  const Metrics seg = compute_metrics(r.segments);
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "songs scored: %lld  segments: %lld  failed: %zu  unknown genre: %zu  seen in "
                "training, left out: %zu\n",
                static_cast<long long>(r.songs.total()), static_cast<long long>(r.segments.total()),
                r.failed.size(), r.unknown_genre.size(), r.seen_left_out.size());
  out << buf;
  const std::string seen = seen_songs_line(r);
  if (!seen.empty()) out << seen << "\n";
  for (const std::string& f : r.failed) out << "failed: " << printable(f) << "\n";
  for (const std::string& f : r.unknown_genre) out << "unknown genre: " << printable(f) << "\n";
  if (r.songs.total() == 0) return;
  std::snprintf(buf, sizeof(buf),
                "song accuracy:    %.3f\nsegment accuracy: %.3f\nmacro F1 (songs): %.3f\n"
                "calibration error (songs, 10 bins): %.3f\n",
                song.accuracy, seg.accuracy, song.macro_f1, songs_calibration_error(r));
  out << buf;
  std::size_t n_uncertain = 0, right_certain = 0;
  for (std::size_t i = 0; i < r.scored.size(); ++i) {
    if (r.scored_uncertain[i])
      ++n_uncertain;
    else if (argmax(song_probabilities(r.scored[i], 1.0)) == r.scored[i].truth)
      ++right_certain;
  }
  if (model_calibrated) {
    const std::size_t certain = r.scored.size() - n_uncertain;
    std::snprintf(
        buf, sizeof(buf), "uncertain answers: %zu of %zu songs; the other %zu: accuracy %.3f\n",
        n_uncertain, r.scored.size(), certain,
        certain ? static_cast<double>(right_certain) / static_cast<double>(certain) : 0.0);
    out << buf;
  }
  out << "\n";
  write_metrics_text(out, song);
  out << "\nconfusion matrix (songs; rows = true, columns = predicted)\n";
  write_confusion_text(out, r.songs, false);
  out << "\nrow-normalised (songs)\n";
  write_confusion_text(out, r.songs, true);
}

void run_eval(const EvalCommandOptions& o, const GlobalOptions& g) {
  std::optional<OutputFile> plot;
  if (!o.plot.empty()) plot = check_output_file(o.plot, kPlotFormats, "eval");
  const GenreModel model = GenreModel::load(o.model.empty() ? default_model_path() : o.model);
  const Dataset data = load_dataset(o.data);
  const std::vector<int> part = select_part(data, o.split, split_seed(o, model));
  if (part.empty()) throw Error("eval", o.split, "the selected part holds no songs");
  spdlog::info("evaluating {} songs of {} ({}){}", part.size(), describe(o.data), o.split,
               data.skipped.empty() ? std::string()
                                    : fmt::format("; {} listed songs skipped (file not found)",
                                                  data.skipped.size()));
  EvalOptions options;
  options.include_seen = o.include_trained;
  ProgressBar bar(g.quiet, "songs");
  const EvalResult r =
      evaluate(model, data, part, options, g.resolved_threads(),
               [&bar](std::size_t done, std::size_t total) { bar.update("eval", done, total); });
  bar.clear();
  // With the image on stdout, the report moves to stderr so that stdout stays one file.
  std::ostream& report = plot && plot->to_stdout() ? std::cerr : std::cout;
  if (o.format == "json") {
    report << eval_json(r).dump(2) << "\n";
  } else if (o.format == "csv") {
    write_confusion_csv(report, r.songs);
  } else {
    print_text(report, r, !model.info().calibration.is_null());
  }
  report.flush();
  if (plot && r.songs.total() == 0) {
    spdlog::warn("no plot written: no song was scored");
  } else if (plot) {
    const std::string what = r.n_seen_scored > 0 ? ", includes trained songs" : "";
    write_output(*plot,
                 render_confusion_plot(r.songs, "Confusion matrix, songs (" + o.split + what + ")",
                                       plot_format(plot->format)),
                 "eval");
    spdlog::info("wrote {}", plot->to_stdout() ? "the plot to stdout" : plot->path);
  }
  if (!r.failed.empty()) throw PartialFailure{};
}
}  // namespace

void setup_eval(CLI::App& app, const GlobalOptions& global) {
  auto opt = std::make_shared<EvalCommandOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a model on a labelled dataset");
  cmd->footer(
      "SPLIT: all | song:0.8/0.1/0.1:test | lists:DIR:test | fold:K/N:test | column:test (PART "
      "defaults to test)\n"
      "Example: genrec eval --model m.genrec --data ~/gtzan --split lists:splits:test "
      "--plot cm.png");
  cmd->add_option("-m,--model", opt->model, kModelHelp);
  add_data_options(cmd, opt->data);
  cmd->add_option("--split", opt->split, "Which songs to evaluate: SPEC:PART or all");
  cmd->add_option("--seed", opt->seed, "Split seed (default: the model's training seed)")
      ->each([opt](const std::string&) { opt->seed_given = true; });
  cmd->add_option("-f,--format", opt->format, "text|json|csv")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  cmd->add_flag("--include-trained", opt->include_trained,
                "Also score the songs the model was trained or validated on (labelled)");
  cmd->add_option("--plot", opt->plot,
                  "Draw the song confusion matrix to FILE.png, FILE.svg, FILE.pdf, or - (PNG on "
                  "stdout; the report then goes to stderr)")
      ->check(output_file_check(kPlotFormats));
  cmd->callback([opt, &global] { run_eval(*opt, global); });
}

}  // namespace genrec::cli
