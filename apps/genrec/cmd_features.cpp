// genrec features INPUT... --out FILE.csv [--segment-seconds 3]: the librosa hand-crafted
// features of the Kaggle GTZAN CSVs, for any audio.
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "audio/error.h"
#include "audio/input_list.h"
#include "commands.h"
#include "features/batch.h"
#include "progress_bar.h"

namespace genrec::cli {
namespace {
struct FeaturesOptions {
  std::vector<std::string> inputs;
  std::string out;
  double segment_seconds = 0.0;
};

void run_features(const FeaturesOptions& o, int threads, bool quiet) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<std::string> files = expand_inputs(o.inputs, std::cin);
  if (files.empty()) throw Error("features", "input", "no audio files found");
  // Open the output first, so a bad path fails before the work rather than after it.
  std::ofstream file;
  if (o.out != "-") {
    file.open(o.out);
    if (!file) throw Error("features", o.out, "cannot open for writing");
  }
  std::ostream& out = o.out == "-" ? std::cout : file;
  FeatureBatchOptions options;
  options.segment_seconds = o.segment_seconds;
  options.threads = threads;
  ProgressBar bar(quiet, "files");
  const std::vector<FileFeatures> results = batch_features(
      files, options,
      [&bar](std::size_t done, std::size_t total) { bar.update("features", done, total); });
  bar.clear();

  std::vector<FeatureRow> rows;
  std::size_t failed = 0;
  for (const FileFeatures& r : results) {
    if (!r.error.empty()) {
      spdlog::error("{}", r.error);
      ++failed;
    }
    rows.insert(rows.end(), r.rows.begin(), r.rows.end());
  }
  write_features_csv(out, rows, options.features.n_mfcc);
  out.flush();
  if (!out) throw Error("features", o.out, "write failed");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info(
      "features: {} rows from {} of {} files to {} in {:.1f} s ({:.2f} files/s, {} threads)",
      rows.size(), files.size() - failed, files.size(), o.out, secs,
      static_cast<double>(files.size()) / secs, threads);
  if (failed > 0) throw PartialFailure{};
}
}  // namespace

void setup_features(CLI::App& app, const GlobalOptions& global) {
  auto opt = std::make_shared<FeaturesOptions>();
  CLI::App* cmd = app.add_subcommand(
      "features", "Write librosa's hand-crafted features (the Kaggle GTZAN CSV columns) as CSV");
  cmd->footer(
      "One row per file, or per piece with --segment-seconds (pieces of round(S*22050)-1 "
      "samples every S seconds, named like the Kaggle 3 s file: blues.00000.0.wav, ...).\n"
      "Example: genrec features gtzan/genres_original --out features_30_sec.csv\n"
      "         find music -name '*.mp3' | genrec features - --out songs.csv --segment-seconds 3");
  cmd->add_option("input", opt->inputs, "Audio files, directories (recursive) or - (list on stdin)")
      ->default_str("")
      ->required();
  cmd->add_option("-o,--out", opt->out, "Output CSV file (- for stdout)")
      ->required()
      ->check(output_file_check({"csv"}));
  cmd->add_option("--segment-seconds", opt->segment_seconds,
                  "One row per piece of this many seconds (0 = one row per file)")
      ->check(CLI::Range(0.0, 3600.0));
  cmd->callback([opt, &global] { run_features(*opt, global.resolved_threads(), global.quiet); });
}

}  // namespace genrec::cli
