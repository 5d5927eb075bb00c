#include "report/mel_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "audio/error.h"
#include "audio/mel.h"

namespace genrec {
namespace {

constexpr int kPad = 14;
constexpr int kLeft = 78;    // frequency labels and the rotated axis title
constexpr int kTop = 40;     // title
constexpr int kBottom = 50;  // time labels and the axis title
constexpr int kBarGap = 18, kBarWidth = 16, kBarLabels = 64;
const Rgb kTick{110, 116, 124};
const Rgb kWhite{255, 255, 255};

// A step of 1, 2 or 5 times a power of ten giving at most max_ticks ticks over `span`.
double nice_step(double span, int max_ticks) {
  if (!(span > 0)) return 1;
  const double raw = span / std::max(max_ticks, 1);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

std::string number(double v) {
  char b[32];
  if (std::fabs(v - std::round(v)) < 1e-6)
    std::snprintf(b, sizeof(b), "%.0f", v);
  else
    std::snprintf(b, sizeof(b), "%.1f", v);
  return b;
}

}  // namespace

double mel_axis_fraction(double hz, const FeatureConfig& config) {
  const double lo = hz_to_mel(config.fmin), hi = hz_to_mel(config.fmax_hz());
  const double band = (hz_to_mel(hz) - lo) / (hi - lo) * (config.n_mels + 1) - 1;  // centre index
  return std::clamp((band + 0.5) / config.n_mels, 0.0, 1.0);
}

std::string render_mel_plot(const LogMelRange& r, const std::string& title, int pixel_scale,
                            PlotFormat format) {
  const FeatureConfig& cfg = r.config;
  if (r.n_frames == 0 || r.db.size() != static_cast<std::size_t>(cfg.n_mels) * r.n_frames)
    throw Error("plot", title, "empty spectrogram");
  pixel_scale = std::max(pixel_scale, 1);
  const int plot_w = static_cast<int>(r.n_frames) * pixel_scale;
  const int plot_h = cfg.n_mels * pixel_scale;
  const int bar_x = kLeft + plot_w + kBarGap;
  const int width = bar_x + kBarWidth + kBarLabels;
  const int height = kTop + plot_h + kBottom;
  Canvas c(width, height, format);
  c.fill_rect(0, 0, width, height, kWhite);
  c.text(kPad, kPad + 15, title, text_style(16, 0, 0, /*bold=*/true));

  c.image(render_spectrogram(r.db.data(), cfg.n_mels, r.n_frames, 1), kLeft, kTop, plot_w, plot_h);
  c.stroke_rect(kLeft, kTop, plot_w, plot_h, kTick);

  // Time: frame k is centred at start + k * hop / sr, the centre of column k.
  const double frame_s = static_cast<double>(cfg.hop_length) / cfg.sample_rate;
  auto x_of = [&](double t) { return kLeft + ((t - r.start_s) / frame_s + 0.5) * pixel_scale; };
  const double t_end = r.start_s + (r.n_frames - 1) * frame_s;
  const double t_step = nice_step(t_end - r.start_s, std::max(2, plot_w / 90));
  const TextStyle tick_label = text_style(12, 0.5);
  for (double t = std::ceil(r.start_s / t_step) * t_step; t <= t_end + 1e-9; t += t_step) {
    const double x = x_of(t);
    c.line(x, kTop + plot_h, x, kTop + plot_h + 5, kTick);
    c.text(x, kTop + plot_h + 19, number(t), tick_label);
  }
  c.text(kLeft + plot_w / 2.0, height - 10, "time (s)", text_style(13, 0.5));

  // Frequency: Hz labels at their mel-scale height.
  auto y_of = [&](double hz) { return kTop + plot_h * (1 - mel_axis_fraction(hz, cfg)); };
  TextStyle freq_label = text_style(12, 1);
  double last_y = 1e9;
  for (double hz : {0.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0}) {
    if (hz < cfg.fmin || hz > cfg.fmax_hz()) continue;
    const double y = y_of(hz);
    if (last_y - y < 16) continue;  // keep labels apart at small scales
    last_y = y;
    c.line(kLeft - 5, y, kLeft, y, kTick);
    c.text(kLeft - 8, y + 4, number(hz), freq_label);
  }
  c.text(kPad + 6, kTop + plot_h / 2.0, "frequency (Hz, mel scale)", text_style(13, 0.5, 90));

  // Colour bar: the dB range of the magma map, low at the bottom.
  float lo = r.db[0], hi = r.db[0];
  for (float v : r.db) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  Image bar(1, 256);
  for (int i = 0; i < 256; ++i) bar.set(0, 255 - i, magma(i / 255.0f));
  c.image(bar, bar_x, kTop, kBarWidth, plot_h);
  c.stroke_rect(bar_x, kTop, kBarWidth, plot_h, kTick);
  const double range = hi > lo ? hi - lo : 1.0;
  const double db_step = nice_step(range, std::max(2, plot_h / 40));
  for (double v = std::ceil(lo / db_step) * db_step; v <= hi + 1e-6; v += db_step) {
    const double y = kTop + plot_h * (1 - (v - lo) / range);
    c.line(bar_x + kBarWidth, y, bar_x + kBarWidth + 4, y, kTick);
    c.text(bar_x + kBarWidth + 7, y + 4, number(v), text_style(12));
  }
  c.text(bar_x + kBarWidth / 2.0, kTop - 8, "dB", text_style(13, 0.5));
  return c.finish();
}

}  // namespace genrec
