// Plots drawn with cairo and pango: the confusion matrix (PNG/SVG/PDF, real text, non-ASCII
// labels), the `mel` image's axes and colour bar, and the genre palette shared with the web page.
#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "audio/error.h"
#include "audio/mel.h"
#include "audio/spectrogram.h"
#include "report/canvas.h"
#include "report/confusion_plot.h"
#include "report/mel_plot.h"
#include "report/palette.h"
#include "test_util.h"

namespace genrec {
namespace {

// Decodes PNG bytes (with cairo, as a reader independent of the writer's code path).
Image decode_png(const std::string& bytes) {
  struct Source {
    const std::string* b;
    std::size_t pos = 0;
  } src{&bytes};
  auto read = [](void* closure, unsigned char* data, unsigned int len) {
    auto* s = static_cast<Source*>(closure);
    if (s->pos + len > s->b->size()) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, s->b->data() + s->pos, len);
    s->pos += len;
    return CAIRO_STATUS_SUCCESS;
  };
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(read, &src);
  EXPECT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  const int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  Image img(w, h);
  const unsigned char* data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint32_t p;
      std::memcpy(&p, data + static_cast<std::size_t>(y) * stride + 4 * x, 4);
      img.set(x, y,
              Rgb{static_cast<std::uint8_t>(p >> 16), static_cast<std::uint8_t>(p >> 8),
                  static_cast<std::uint8_t>(p)});
    }
  cairo_surface_destroy(s);
  return img;
}

// Rows = true: a has 5 right and 1 as b, b is spread, c is always right.
ConfusionMatrix tiny(std::vector<std::string> labels = {"a", "b", "c"}) {
  const int counts[3][3] = {{5, 1, 0}, {2, 3, 1}, {0, 0, 4}};
  ConfusionMatrix cm(std::move(labels));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      if (counts[i][j] > 0) cm.add(i, j, counts[i][j]);
  return cm;
}

bool dark(Rgb c) { return c.r + c.g + c.b < 3 * 128; }

TEST(ConfusionPlot, PngSvgAndPdf) {
  const std::string png = render_confusion_plot(tiny(), "Confusion matrix", PlotFormat::kPng);
  const std::string svg = render_confusion_plot(tiny(), "Confusion matrix", PlotFormat::kSvg);
  const std::string pdf = render_confusion_plot(tiny(), "Confusion matrix", PlotFormat::kPdf);
  EXPECT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
  const ConfusionLayout L = confusion_layout(tiny(), "Confusion matrix");
  const Image img = decode_png(png);
  EXPECT_EQ(img.width, L.width);
  EXPECT_EQ(img.height, L.height);
  // Cell (c, c) is 4 of 4: the dark end of the Blues scale, (8, 48, 107), at a corner.
  const Rgb full = img.get(L.grid_x + 2 * L.cell + 4, L.grid_y + 2 * L.cell + 4);
  EXPECT_NEAR(full.r, 8, 2);
  EXPECT_NEAR(full.g, 48, 2);
  EXPECT_NEAR(full.b, 107, 2);
  // Cell (a, c) is 0 of 6: the light end, (247, 251, 255).
  const Rgb none = img.get(L.grid_x + 2 * L.cell + 4, L.grid_y + 4);
  EXPECT_NEAR(none.r, 247, 2);
  EXPECT_NEAR(none.b, 255, 2);
  EXPECT_THROW(plot_format("bmp"), Error);
  EXPECT_EQ(plot_format("PDF"), PlotFormat::kPdf);
}

// The filled axis-aligned rectangles of cairo's SVG ("fill:rgb(R%,G%,B%)" paths of four
// corners): what the SVG draws, read back from its text.
struct SvgRect {
  double x0, y0, x1, y1;
  Rgb color;
};

std::vector<SvgRect> svg_filled_rects(const std::string& svg) {
  static const std::regex re(
      R"re(fill:rgb\(([0-9.]+)%,([0-9.]+)%,([0-9.]+)%\);fill-opacity:1;" d="M ([0-9.]+) ([0-9.]+) L ([0-9.]+) ([0-9.]+) L ([0-9.]+) ([0-9.]+) L ([0-9.]+) ([0-9.]+) Z)re");
  std::vector<SvgRect> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it) {
    const std::smatch& m = *it;
    auto channel = [&](int i) {
      return static_cast<std::uint8_t>(std::lround(std::stod(m[i]) * 255.0 / 100.0));
    };
    out.push_back({std::stod(m[4]), std::stod(m[5]), std::stod(m[8]), std::stod(m[9]),
                   Rgb{channel(1), channel(2), channel(3)}});
  }
  return out;
}

// The SVG is the same plot as the PNG: its size, and one square per cell at the layout's place
// in the colour the PNG shows there (the full diagonal cell the dark end of the scale, the empty
// cell the light end); the labels, counts and title are drawn as glyphs.
TEST(ConfusionPlot, SvgDrawsEveryCellInItsColour) {
  const std::string svg = render_confusion_plot(tiny(), "Confusion matrix", PlotFormat::kSvg);
  const ConfusionLayout L = confusion_layout(tiny(), "Confusion matrix");
  EXPECT_NE(svg.find("width=\"" + std::to_string(L.width) + "pt\" height=\"" +
                     std::to_string(L.height) + "pt\""),
            std::string::npos)
      << svg.substr(0, 300);
  const Image png = decode_png(render_confusion_plot(tiny(), "Confusion matrix", PlotFormat::kPng));
  const std::vector<SvgRect> rects = svg_filled_rects(svg);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      SCOPED_TRACE(::testing::Message() << "cell (" << i << ", " << j << ")");
      const double x = L.grid_x + j * L.cell, y = L.grid_y + i * L.cell;
      int found = 0;
      Rgb color;
      for (const SvgRect& r : rects)
        if (r.x0 == x && r.y0 == y && r.x1 == x + L.cell && r.y1 == y + L.cell) {
          ++found;
          color = r.color;
        }
      ASSERT_EQ(found, 1);
      const Rgb shown = png.get(static_cast<int>(x) + 4, static_cast<int>(y) + 4);
      EXPECT_NEAR(color.r, shown.r, 2);
      EXPECT_NEAR(color.g, shown.g, 2);
      EXPECT_NEAR(color.b, shown.b, 2);
      if (i == 2 && j == 2) {  // 4 of 4: (8, 48, 107)
        EXPECT_NEAR(color.r, 8, 1);
        EXPECT_NEAR(color.g, 48, 1);
        EXPECT_NEAR(color.b, 107, 1);
      }
      if (i == 0 && j == 2) {  // 0 of 6: (247, 251, 255)
        EXPECT_NEAR(color.r, 247, 1);
        EXPECT_NEAR(color.b, 255, 1);
      }
    }
  // Text is there: at least one glyph per character of the title, labels and counts.
  std::size_t uses = 0;
  for (std::size_t at = svg.find("<use"); at != std::string::npos; at = svg.find("<use", at + 1))
    ++uses;
  EXPECT_GE(uses, std::string("Confusionmatrix").size() + 3 + 9);
}

// The bitmap font drew percentages 7 pixels high; real text is at least 9.
TEST(ConfusionPlot, PercentagesAreReadableSize) {
  const ConfusionLayout L = confusion_layout(tiny(), "t");
  const Image img = decode_png(render_confusion_plot(tiny(), "t", PlotFormat::kPng));
  // Cell (a, c) holds "0" above "0%" in dark ink on a light fill; the lower half is the "0%".
  const int x0 = L.grid_x + 2 * L.cell, y0 = L.grid_y + L.cell / 2 + 4;
  int top = -1, bottom = -1, left = img.width, right = -1;
  for (int y = y0; y < L.grid_y + L.cell - 1; ++y)
    for (int x = x0 + 1; x < x0 + L.cell - 1; ++x)
      if (dark(img.get(x, y))) {
        if (top < 0) top = y;
        bottom = y;
        left = std::min(left, x);
        right = std::max(right, x);
      }
  ASSERT_GE(top, 0) << "no percentage drawn";
  EXPECT_GE(bottom - top + 1, 9);
  EXPECT_GE(right - left + 1, 14);  // two glyphs, "0%"
}

// Each non-ASCII letter is drawn as itself: the bitmap font drew every one as the same box.
TEST(ConfusionPlot, NonAsciiLabelsAreDrawn) {
  auto draw = [](const std::string& first) {
    return decode_png(render_confusion_plot(tiny({first, "b", "c"}), "t", PlotFormat::kPng));
  };
  const Image n_tilde = draw("ñ"), u_umlaut = draw("ü"), plain = draw("n"), y_umlaut = draw("ÿ");
  ASSERT_EQ(n_tilde.width, u_umlaut.width);
  EXPECT_NE(n_tilde.rgb, u_umlaut.rgb);
  EXPECT_NE(n_tilde.rgb, y_umlaut.rgb);
  ASSERT_EQ(n_tilde.width, plain.width);
  EXPECT_NE(n_tilde.rgb, plain.rgb);  // the tilde is there
  // Bytes that are not UTF-8 draw as a replacement character instead of failing.
  EXPECT_NO_THROW(render_confusion_plot(tiny({"bad\xff", "b", "c"}), "t", PlotFormat::kSvg));
}

// Labels in scripts DejaVu lacks (CJK from a manifest or FMA) draw in a fallback font
// (scripts/setup.sh installs fonts-wqy-microhei), not as boxes; a character no font has is
// counted, and finish() warns.
TEST(ConfusionPlot, CjkLabelsDrawInAFallbackFont) {
  Canvas canvas(200, 60, PlotFormat::kPng);
  canvas.text(10, 20, "民谣 摇滚 ジャズ 재즈", text_style(13));
  EXPECT_EQ(canvas.unknown_glyphs(), 0);
  canvas.text(10, 40, "\uE000", text_style(13));  // private use: no font has it
  EXPECT_EQ(canvas.unknown_glyphs(), 1);
  EXPECT_NO_THROW(render_confusion_plot(tiny({"民谣", "摇滚", "爵士"}), "t", PlotFormat::kPng));
}

// ref: Okabe & Ito (2008) / Wong (2011), with grey for black.
TEST(Palette, OkabeItoInOrderAndTheSameOnThePage) {
  const char* expected[] = {"#e69f00", "#56b4e9", "#009e73", "#f0e442",
                            "#0072b2", "#d55e00", "#cc79a7", "#999999"};
  std::ifstream js(std::string(GENREC_SOURCE_DIR) + "/web/app.js");
  std::stringstream page;
  page << js.rdbuf();
  std::string lower = page.str();
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t at = lower.find("const palette");
  ASSERT_NE(at, std::string::npos) << "web/app.js has no PALETTE";
  for (std::size_t i = 0; i < kPaletteSize; ++i) {
    EXPECT_EQ(hex_colour(genre_colour(i).rgb), expected[i]);
    EXPECT_FALSE(genre_colour(i).striped);
    const std::size_t next = lower.find(expected[i], at);
    EXPECT_NE(next, std::string::npos) << expected[i] << " missing or out of order in app.js";
    at = next == std::string::npos ? at : next;
  }
  EXPECT_TRUE(genre_colour(8).striped);
  EXPECT_EQ(hex_colour(genre_colour(9).rgb), expected[1]);
}

// Mel band m's centre frequency (librosa.mel_frequencies(n_mels + 2)[m + 1]) sits at the centre
// of image row m; 1000 Hz is 15 mel of hz_to_mel(11025) = 49.9106 → row 37.77 of 128.
TEST(MelPlot, FrequencyAxisFollowsTheMelBands) {
  const FeatureConfig cfg;
  const std::vector<double> edges = mel_band_edges_hz(cfg.n_mels, cfg.fmin, cfg.fmax_hz());
  for (int m : {0, 10, 63, 127})
    EXPECT_NEAR(mel_axis_fraction(edges[m + 1], cfg), (m + 0.5) / cfg.n_mels, 1e-9) << m;
  EXPECT_NEAR(mel_axis_fraction(1000.0, cfg), 0.298979, 1e-6);
  EXPECT_NEAR(mel_axis_fraction(4000.0, cfg), 0.706133, 1e-6);
  EXPECT_EQ(mel_axis_fraction(0.0, cfg), 0.0);
}

TEST(MelPlot, SpectrogramAxesAndColourBar) {
  const FeatureConfig cfg;
  SpectrogramRequest req;
  const LogMelRange r = log_mel_range(test::tone(1000, 2.0), cfg, req);
  ASSERT_EQ(r.n_frames, 87u);  // 1 + 44100 / 512
  const int scale = 2;
  const Image img = decode_png(render_mel_plot(r, "tone · log-Mel", scale, PlotFormat::kPng));
  const Image raw = render_spectrogram(r.db.data(), cfg.n_mels, r.n_frames, scale);
  // Room for axes on the left and below and for the colour bar on the right.
  EXPECT_GT(img.width, raw.width + 120);
  EXPECT_GT(img.height, raw.height + 60);
  // The spectrogram is drawn unchanged somewhere: find its top-left corner by the brightest row
  // (the 1 kHz band) and compare a column of pixels.
  int matches = 0;
  for (int y = 0; y + raw.height <= img.height && matches == 0; ++y)
    for (int x = 0; x + raw.width <= img.width && matches == 0; ++x) {
      bool same = true;
      for (int k = 2; k < raw.height - 2 && same; k += 7) {
        const Rgb a = img.get(x + raw.width / 2, y + k), b = raw.get(raw.width / 2, k);
        same = std::abs(a.r - b.r) <= 2 && std::abs(a.g - b.g) <= 2 && std::abs(a.b - b.b) <= 2;
      }
      if (same) matches = 1;
    }
  EXPECT_EQ(matches, 1) << "spectrogram pixels not found in the plot";
  // A colour bar right of the plot runs from magma(0) at the bottom to magma(1) at the top.
  bool found_bar = false;
  for (int x = img.width - 1; x > img.width / 2 && !found_bar; --x) {
    int top = -1, bottom = -1;
    for (int y = 0; y < img.height; ++y) {
      const Rgb c = img.get(x, y), hi = magma(1.0f);
      if (std::abs(c.r - hi.r) + std::abs(c.g - hi.g) + std::abs(c.b - hi.b) < 12 && top < 0)
        top = y;
      const Rgb lo = magma(0.0f);
      if (std::abs(c.r - lo.r) + std::abs(c.g - lo.g) + std::abs(c.b - lo.b) < 12) bottom = y;
    }
    found_bar = top >= 0 && bottom > top + raw.height / 2;
  }
  EXPECT_TRUE(found_bar);
}

}  // namespace
}  // namespace genrec
