#include "report/confusion_plot.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "audio/error.h"
#include "report/bitmap_font.h"

namespace genrec {
namespace {

constexpr int kFontScale = 2;
constexpr int kCell = 64;
constexpr int kPad = 16;
constexpr int kLine = kGlyphHeight * kFontScale;
const Rgb kInk{33, 37, 41};
const Rgb kWhite{255, 255, 255};
const Rgb kGrid{222, 226, 230};

// Sequential white-to-blue scale for the row-normalised share t in [0, 1].
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

// Pixel positions shared by the PNG and SVG renderers.
struct Layout {
  int n, label_w, grid_x, grid_y, width, height;
  Layout(const ConfusionMatrix& cm, const std::string& title) : n(cm.n()) {
    label_w = 0;
    for (const std::string& l : cm.labels()) label_w = std::max(label_w, text_width(l, kFontScale));
    grid_x = kPad + kLine + kPad + label_w + kPad;  // axis title, labels
    grid_y = kPad + kLine + kPad + kLine + kPad;    // title, "predicted"
    width = std::max(grid_x + n * kCell + kPad, 2 * kPad + text_width(title, kFontScale));
    height = grid_y + n * kCell + kPad + label_w + kPad;  // vertical column labels
  }
};

}  // namespace

Image confusion_image(const ConfusionMatrix& cm, const std::string& title) {
  const Layout L(cm, title);
  Image img(L.width, L.height, kWhite);
  draw_text(img, kPad, kPad, title, kInk, kFontScale);
  const std::string pred = "predicted";
  draw_text(img, L.grid_x + (L.n * kCell - text_width(pred, kFontScale)) / 2, kPad + kLine + kPad,
            pred, kInk, kFontScale);
  const std::string truth = "true";
  draw_text_vertical(img, kPad, L.grid_y + (L.n * kCell + text_width(truth, kFontScale)) / 2, truth,
                     kInk, kFontScale);
  for (int i = 0; i < L.n; ++i) {
    const std::string& l = cm.labels()[i];
    draw_text(img, L.grid_x - kPad / 2 - text_width(l, kFontScale),
              L.grid_y + i * kCell + (kCell - kLine) / 2, l, kInk, kFontScale);
    draw_text_vertical(img, L.grid_x + i * kCell + (kCell - kLine) / 2,
                       L.grid_y + L.n * kCell + kPad / 2 + text_width(l, kFontScale), l, kInk,
                       kFontScale);
    for (int j = 0; j < L.n; ++j) {
      const double s = share(cm, i, j);
      const Rgb fill = heat(s);
      const int x0 = L.grid_x + j * kCell, y0 = L.grid_y + i * kCell;
      for (int y = 0; y < kCell; ++y)
        for (int x = 0; x < kCell; ++x) img.set(x0 + x, y0 + y, (x == 0 || y == 0) ? kGrid : fill);
      const Rgb ink = s > 0.5 ? kWhite : kInk;
      const std::string count = std::to_string(cm.at(i, j));
      const std::string pct = percent_text(s);
      draw_text(img, x0 + (kCell - text_width(count, kFontScale)) / 2, y0 + 10, count, ink,
                kFontScale);
      draw_text(img, x0 + (kCell - text_width(pct, 1)) / 2, y0 + kCell - 18, pct, ink, 1);
    }
  }
  return img;
}

std::string confusion_svg(const ConfusionMatrix& cm, const std::string& title) {
  const Layout L(cm, title);
  auto esc = [](const std::string& s) {
    std::string o;
    for (char c : s)
      o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    return o;
  };
  auto hex = [](Rgb c) {
    char b[8];
    std::snprintf(b, sizeof(b), "#%02x%02x%02x", c.r, c.g, c.b);
    return std::string(b);
  };
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << L.width << "\" height=\"" << L.height
    << "\" font-family=\"sans-serif\" font-size=\"14\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << kPad << "\" y=\"" << kPad + kLine
    << "\" font-size=\"16\" font-weight=\"bold\">" << esc(title) << "</text>\n"
    << "<text x=\"" << L.grid_x + L.n * kCell / 2 << "\" y=\"" << 2 * kPad + 2 * kLine
    << "\" text-anchor=\"middle\">predicted</text>\n"
    << "<text transform=\"translate(" << kPad + kLine << "," << L.grid_y + L.n * kCell / 2
    << ") rotate(-90)\" text-anchor=\"middle\">true</text>\n";
  for (int i = 0; i < L.n; ++i) {
    const std::string l = esc(cm.labels()[i]);
    s << "<text x=\"" << L.grid_x - kPad / 2 << "\" y=\"" << L.grid_y + i * kCell + kCell / 2 + 5
      << "\" text-anchor=\"end\">" << l << "</text>\n";
    s << "<text transform=\"translate(" << L.grid_x + i * kCell + kCell / 2 + 5 << ","
      << L.grid_y + L.n * kCell + kPad / 2 << ") rotate(-90)\" text-anchor=\"end\">" << l
      << "</text>\n";
    for (int j = 0; j < L.n; ++j) {
      const double sh = share(cm, i, j);
      const int x0 = L.grid_x + j * kCell, y0 = L.grid_y + i * kCell;
      const std::string ink = sh > 0.5 ? "white" : hex(kInk);
      s << "<rect x=\"" << x0 << "\" y=\"" << y0 << "\" width=\"" << kCell << "\" height=\""
        << kCell << "\" fill=\"" << hex(heat(sh)) << "\" stroke=\"" << hex(kGrid) << "\"/>\n"
        << "<text x=\"" << x0 + kCell / 2 << "\" y=\"" << y0 + 28
        << "\" text-anchor=\"middle\" fill=\"" << ink << "\">" << cm.at(i, j) << "</text>\n"
        << "<text x=\"" << x0 + kCell / 2 << "\" y=\"" << y0 + 48
        << "\" text-anchor=\"middle\" font-size=\"11\" fill=\"" << ink << "\">" << percent_text(sh)
        << "</text>\n";
    }
  }
  s << "</svg>\n";
  return s.str();
}

void write_confusion_plot(const std::string& path, const ConfusionMatrix& cm,
                          const std::string& title) {
  const auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png") {
    write_png(path, confusion_image(cm, title));
  } else if (ext == ".svg") {
    std::ofstream f(path);
    if (!f) throw Error("plot", path, "cannot open for writing");
    f << confusion_svg(cm, title);
    if (!f) throw Error("plot", path, "write failed");
  } else {
    throw Error("plot", path, "unknown image type (use .png or .svg)");
  }
}

}  // namespace genrec
