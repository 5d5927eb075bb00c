#include "report/confusion_plot.h"

#include <algorithm>
#include <cmath>

#include "report/palette.h"

namespace genrec {
namespace {

constexpr int kCell = 68;
constexpr int kPad = 16;
constexpr int kSwatch = 10;
const Rgb kInk{33, 37, 41};
const Rgb kWhite{255, 255, 255};
const Rgb kGrid{206, 212, 218};

const TextStyle kTitle = text_style(17, /*align=*/0, /*rotate_deg=*/0, /*bold=*/true);
const TextStyle kAxis = text_style(14, /*align=*/0.5, /*rotate_deg=*/0, /*bold=*/true);
const TextStyle kLabel = text_style(14);
const TextStyle kCount = text_style(17, /*align=*/0.5, /*rotate_deg=*/0, /*bold=*/true);
const TextStyle kPercent = text_style(13, /*align=*/0.5);

// ColorBrewer "Blues" end points: a single-hue sequential scale reads the same to every
// kind of colour vision. t is the row-normalised share in [0, 1].
Rgb heat(double t) {
  t = std::clamp(t, 0.0, 1.0);
  auto mix = [t](int a, int b) { return static_cast<std::uint8_t>(std::lround(a + (b - a) * t)); };
  return {mix(247, 8), mix(251, 48), mix(255, 107)};
}

double share(const ConfusionMatrix& cm, int i, int j) {
  const std::int64_t row = cm.row_total(i);
  return row > 0 ? static_cast<double>(cm.at(i, j)) / row : 0.0;
}

std::string percent_text(double s) {
  return std::to_string(static_cast<int>(std::lround(100 * s))) + "%";
}

void swatch(Canvas& c, std::size_t index, double x, double y) {
  const GenreColour g = genre_colour(index);
  c.fill_rect(x, y, kSwatch, kSwatch, g.rgb);
  if (g.striped) c.hatch_rect(x, y, kSwatch, kSwatch, kInk);
}

}  // namespace

ConfusionLayout confusion_layout(const ConfusionMatrix& cm, const std::string& title) {
  Canvas measure(1, 1, PlotFormat::kPng);
  double label_w = 0;
  for (const std::string& l : cm.labels())
    label_w = std::max(label_w, measure.text_width(l, kLabel));
  const int label_space = static_cast<int>(std::ceil(label_w)) + kSwatch + 6;
  const int line = static_cast<int>(kAxis.size * 1.4);
  ConfusionLayout L;
  L.n = cm.n();
  L.cell = kCell;
  L.grid_x = kPad + line + kPad / 2 + label_space + kPad / 2;  // "true", labels
  L.grid_y = kPad + line + kPad / 2 + line + kPad / 2;         // title, "predicted"
  L.width = std::max(L.grid_x + L.n * kCell + kPad,
                     2 * kPad + static_cast<int>(std::ceil(measure.text_width(title, kTitle))));
  L.height = L.grid_y + L.n * kCell + kPad / 2 + label_space + kPad;
  return L;
}

std::string render_confusion_plot(const ConfusionMatrix& cm, const std::string& title,
                                  PlotFormat format) {
  const ConfusionLayout L = confusion_layout(cm, title);
  Canvas c(L.width, L.height, format);
  c.fill_rect(0, 0, L.width, L.height, kWhite);
  c.text(kPad, kPad + kTitle.size, title, kTitle);
  const double line = kAxis.size * 1.4;
  c.text(L.grid_x + L.n * kCell / 2.0, kPad + line + kPad / 2.0 + kAxis.size, "predicted", kAxis);
  TextStyle vertical = kAxis;
  vertical.rotate_deg = 90;
  c.text(kPad + kAxis.size, L.grid_y + L.n * kCell / 2.0, "true", vertical);

  const double grid_right = L.grid_x + L.n * kCell, grid_bottom = L.grid_y + L.n * kCell;
  for (int i = 0; i < L.n; ++i) {
    const std::string& label = cm.labels()[i];
    const double mid = i * kCell + kCell / 2.0;
    // Row label, right-aligned left of the grid, with its swatch.
    TextStyle row = kLabel;
    row.align = 1;
    c.text(L.grid_x - kPad / 2.0 - kSwatch - 6, L.grid_y + mid + kLabel.size * 0.35, label, row);
    swatch(c, static_cast<std::size_t>(i), L.grid_x - kPad / 2.0 - kSwatch,
           L.grid_y + mid - kSwatch / 2.0);
    // Column label below the grid, reading bottom to top, ending at the swatch.
    TextStyle col = kLabel;
    col.align = 1;
    col.rotate_deg = 90;
    swatch(c, static_cast<std::size_t>(i), L.grid_x + mid - kSwatch / 2.0,
           grid_bottom + kPad / 2.0);
    c.text(L.grid_x + mid + kLabel.size * 0.35, grid_bottom + kPad / 2.0 + kSwatch + 6, label, col);
    for (int j = 0; j < L.n; ++j) {
      const double s = share(cm, i, j);
      const double x0 = L.grid_x + j * kCell, y0 = L.grid_y + i * kCell;
      c.fill_rect(x0, y0, kCell, kCell, heat(s));
      const Rgb ink = s > 0.5 ? kWhite : kInk;
      TextStyle count = kCount, pct = kPercent;
      count.colour = pct.colour = ink;
      c.text(x0 + kCell / 2.0, y0 + kCell * 0.45, std::to_string(cm.at(i, j)), count);
      c.text(x0 + kCell / 2.0, y0 + kCell * 0.78, percent_text(s), pct);
    }
  }
  for (int k = 0; k <= L.n; ++k) {
    c.line(L.grid_x + k * kCell, L.grid_y, L.grid_x + k * kCell, grid_bottom, kGrid);
    c.line(L.grid_x, L.grid_y + k * kCell, grid_right, L.grid_y + k * kCell, kGrid);
  }
  return c.finish();
}

}  // namespace genrec
