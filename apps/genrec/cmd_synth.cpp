// genrec synth --out DIR: a synthetic labelled dataset for tests and demos.
#include <spdlog/spdlog.h>

#include <chrono>

#include "commands.h"
#include "data/synth.h"

namespace genrec::cli {
namespace {
struct SynthCliOptions {
  std::string out;
  SynthOptions synth;
};

void run_synth(const SynthCliOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  write_synthetic_dataset(o.out, o.synth);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("wrote {} songs ({} genres x {}, {} s each) to {}/genres_original in {:.1f} s",
               o.synth.per_genre * synth_genres().size(), synth_genres().size(), o.synth.per_genre,
               o.synth.seconds, o.out, secs);
}
}  // namespace

void setup_synth(CLI::App& app, const GlobalOptions&) {
  auto opt = std::make_shared<SynthCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "synth", "Write a synthetic labelled dataset (for tests and demos, not music)");
  std::string genres;
  for (const std::string& g : synth_genres()) genres += (genres.empty() ? "" : ", ") + g;
  cmd->footer(
      "Procedurally generated songs in the Kaggle GTZAN layout, DIR/genres_original/<genre>/"
      "<genre>.00000.wav, for the genres " +
      genres +
      ". They differ in tempo, rhythm, timbre, pitch range and noise level and are randomised "
      "per song (seeded).\nExample: genrec synth --out /tmp/synth --per-genre 20 --seconds 30");
  cmd->add_option("-o,--out", opt->out, "Output directory")->required();
  cmd->add_option("--per-genre", opt->synth.per_genre, "Songs per genre")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seconds", opt->synth.seconds, "Length of each song in seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--seed", opt->synth.seed, "Random seed")->capture_default_str();
  cmd->callback([opt] { run_synth(*opt); });
}

}  // namespace genrec::cli
