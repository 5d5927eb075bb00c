// genrec mel INPUT --out x.png: the log-Mel spectrogram as a picture.
#include <spdlog/spdlog.h>

#include "audio/image.h"
#include "audio/spectrogram.h"
#include "commands.h"

namespace genrec::cli {
namespace {
struct MelOptions {
  std::string input;
  std::string out;
  double start_s = 0.0;
  double seconds = 0.0;  // 0: to the end
  int scale = 2;
};

void run_mel(const MelOptions& o) {
  SpectrogramRequest req;
  req.start_s = o.start_s;
  req.seconds = o.seconds;
  req.pixel_scale = o.scale;
  write_png(o.out, spectrogram_image(o.input, FeatureConfig{}, req));
  spdlog::info("wrote {}", o.out);
}
}  // namespace

void setup_mel(CLI::App& app, const GlobalOptions&) {
  auto opt = std::make_shared<MelOptions>();
  CLI::App* cmd =
      app.add_subcommand("mel", "Write the log-Mel spectrogram of a file as a PNG image");
  cmd->footer("Example: genrec mel song.mp3 --out song.png --start 30 --seconds 10");
  cmd->add_option("input", opt->input, "Audio file")->required();
  cmd->add_option("--out", opt->out, "Output PNG file")->required();
  cmd->add_option("--start", opt->start_s, "Start time in seconds")->check(CLI::NonNegativeNumber);
  cmd->add_option("--seconds", opt->seconds, "Duration in seconds (0 = to the end)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--scale", opt->scale, "Pixels per bin")->check(CLI::Range(1, 8));
  cmd->callback([opt] { run_mel(*opt); });
}

}  // namespace genrec::cli
