// genrec calibrate FOLD.genrec... --data D [--model M --out M2]: the cross-validation figures
// of a run's fold models on the songs each held out, and a confidence calibration (a
// temperature and the uncertain threshold) fitted on them, stored into a model.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include "audio/error.h"
#include "commands.h"
#include "data/data_source.h"
#include "data_flags.h"
#include "model/fold_calibration.h"
#include "model/genre_model.h"
#include "progress_bar.h"

namespace genrec::cli {
namespace {

struct CalibrateCommandOptions {
  std::vector<std::string> folds;
  std::string fit_on = "windows";
  bool ensemble = false;
  DataOptions data;
  std::string model;
  std::string out;
  std::string format = "text";
};

void print_row(std::ostream& out, const FoldFigures& f) {
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%-40s %5zu %7.3f %6zu %7.3f %7.3f %7.3f %7.3f %6.3f\n",
                f.model.c_str(), f.n_long, f.long_song_accuracy, f.n_short, f.short_window_accuracy,
                f.macro_f1, f.ece_short_before, f.ece_short_after, f.temperature_others);
  out << buf;
}

void print_text(std::ostream& out, const FoldCalibration& c) {
  out << "fold model                               long  song-acc  short win-acc macroF1 "
         "ECE-pre ECE-post  T-oth\n";
  for (const FoldFigures& f : c.folds) print_row(out, f);
  print_row(out, c.mean);
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "temperature %.3f (fitted on the %s of %zu held-out song scorings), %.3f for "
                "the mean of a longer song; uncertain below %.3f confidence\n"
                "calibration error (10 bins, pooled over folds; after: each fold at the "
                "temperature of the others):\n"
                "  all songs %.3f -> %.3f, one-segment songs %.3f -> %.3f, longer songs %.3f -> "
                "%.3f\n",
                c.temperature, c.fit_on.c_str(), c.n_scored, c.song_temperature, c.uncertain_below,
                c.ece_songs_before, c.ece_songs_after, c.ece_short_before, c.ece_short_after,
                c.ece_long_before, c.ece_long_after);
  out << buf;
}

void run_calibrate(const CalibrateCommandOptions& o, const GlobalOptions& g) {
  if (o.model.empty() != o.out.empty())
    throw UsageError(
        "calibrate: --model and --out go together (the model to calibrate and "
        "where to write it)");
  // The model to write is read first: a bad one fails before the long part.
  std::optional<GenreModel> target;
  if (!o.model.empty()) target.emplace(GenreModel::load(o.model));
  const Dataset data = load_dataset(o.data);
  ProgressBar bar(g.quiet, "models");
  const FoldCalibration c = calibrate_on_folds(
      o.folds, data, CalibrateOptions{o.fit_on, o.ensemble, g.resolved_threads()},
      [&bar](std::size_t done, std::size_t total) { bar.update("calibrate", done, total); });
  bar.clear();
  if (target && target->info().labels != c.labels)
    throw Error("calibrate", o.model, "has other labels than the fold models");
  const nlohmann::json j = fold_calibration_json(c);
  if (o.format == "json")
    std::cout << j.dump(2) << "\n";
  else
    print_text(std::cout, c);
  if (target) {
    target->set_calibration(j);
    target->save(o.out);
    spdlog::info("wrote {} (temperatures {:.3f} and {:.3f} for long songs, uncertain below {:.3f})",
                 o.out, c.temperature, c.song_temperature, c.uncertain_below);
  }
}

}  // namespace

void setup_calibrate(CLI::App& app, const GlobalOptions& global) {
  auto opt = std::make_shared<CalibrateCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate", "Cross-validation figures of fold models, and a confidence calibration");
  cmd->footer(
      "Each fold model scores the songs of --data it was not trained on (recognised by their\n"
      "decoded samples). Songs of one segment are scored per window, longer ones per song.\n"
      "A temperature is fitted on all of them and an uncertain threshold chosen; with --model\n"
      "and --out they are stored into a copy of the model (genrec info shows them).\n"
      "Example: genrec calibrate cv/fold*.genrec --data gtzan-mini --data gtzan-snippets "
      "--model final.genrec --out final.genrec");
  cmd->add_option("folds", opt->folds, "Fold models of a cross-validation run (as trained)")
      ->required()
      ->check(CLI::ExistingFile);
  add_data_options(cmd, opt->data);
  cmd->add_option("-m,--model", opt->model, "The model to calibrate (with --out)");
  cmd->add_option("-o,--out", opt->out, "Where to write the calibrated model (may be --model)");
  cmd->add_option("--fit-on", opt->fit_on,
                  "windows: fit the temperature on every 3 s window of the held-out songs; "
                  "songs: on each song's mean probabilities")
      ->check(CLI::IsMember({"windows", "songs"}))
      ->capture_default_str();
  cmd->add_flag("--ensemble", opt->ensemble,
                "Score fold models that hold out the same songs (e.g. one fold of several seeds) "
                "as one ensemble: the mean of their probabilities");
  cmd->add_option("-f,--format", opt->format, "text|json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([opt, &global] { run_calibrate(*opt, global); });
}

}  // namespace genrec::cli
