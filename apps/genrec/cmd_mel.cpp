// genrec mel INPUT --out x.png|svg|pdf|-: the log-Mel spectrogram as a picture with axes.
#include <spdlog/spdlog.h>

#include <filesystem>

#include "audio/spectrogram.h"
#include "commands.h"
#include "model/output_file.h"
#include "report/mel_plot.h"

namespace genrec::cli {
namespace {
const std::vector<std::string> kImageFormats = {"png", "svg", "pdf"};

struct MelOptions {
  std::string input;
  std::string out;
  double start_s = 0.0;
  double seconds = 0.0;  // 0: to the end
  int scale = 2;
};

void run_mel(const MelOptions& o) {
  const OutputFile out = check_output_file(o.out, kImageFormats, "mel");
  SpectrogramRequest req;
  req.start_s = o.start_s;
  req.seconds = o.seconds;
  const LogMelRange range = log_mel_range(o.input, FeatureConfig{}, req);
  const std::string title =
      std::filesystem::path(o.input).filename().string() + " · log-Mel spectrogram";
  write_output(out, render_mel_plot(range, title, o.scale, plot_format(out.format)), "mel");
  spdlog::info("wrote {}", out.to_stdout() ? "the image to stdout" : out.path);
}
}  // namespace

void setup_mel(CLI::App& app, const GlobalOptions&) {
  auto opt = std::make_shared<MelOptions>();
  CLI::App* cmd = app.add_subcommand(
      "mel", "Draw the log-Mel spectrogram of a file with time, frequency and dB axes");
  cmd->footer("Example: genrec mel song.mp3 --out song.png --start 30 --seconds 10");
  cmd->add_option("input", opt->input, "Audio file")->required();
  cmd->add_option("-o,--out", opt->out,
                  "Output image: FILE.png, FILE.svg, FILE.pdf or - (PNG on stdout)")
      ->required()
      ->check(output_file_check(kImageFormats));
  cmd->add_option("--start", opt->start_s, "Start time in seconds")->check(CLI::NonNegativeNumber);
  cmd->add_option("--seconds", opt->seconds, "Duration in seconds (0 = to the end, at most 600)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--scale", opt->scale, "Pixels per frame and per band")->check(CLI::Range(1, 8));
  cmd->callback([opt] { run_mel(*opt); });
}

}  // namespace genrec::cli
