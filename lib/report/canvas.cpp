// The only file that sees cairo and pango.
#include "report/canvas.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "audio/error.h"

namespace genrec {
namespace {

// Pango falls back, glyph by glyph, to any installed font that has the glyph (CJK labels
// from a manifest draw in e.g. WenQuanYi when DejaVu lacks them).
constexpr const char* kFontFamily = "DejaVu Sans";

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void set_colour(cairo_t* cr, Rgb c) {
  cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

// Folder names are bytes, not always UTF-8; cairo refuses invalid UTF-8, so each bad byte
// becomes U+FFFD.
std::string valid_utf8(const std::string& s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    if (ok) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

void check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS) throw Error("plot", what, cairo_status_to_string(status));
}

}  // namespace

PlotFormat plot_format(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "png") return PlotFormat::kPng;
  if (n == "svg") return PlotFormat::kSvg;
  if (n == "pdf") return PlotFormat::kPdf;
  throw Error("plot", name, "unknown image format (use png, svg or pdf)");
}

TextStyle text_style(double size, double align, double rotate_deg, bool bold, Rgb colour) {
  TextStyle s;
  s.size = size;
  s.align = align;
  s.rotate_deg = rotate_deg;
  s.bold = bold;
  s.colour = colour;
  return s;
}

struct Canvas::State {
  PlotFormat format;
  std::string bytes;  // SVG and PDF stream here while drawing; PNG at finish()
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  cairo_font_options_t* font_options = nullptr;
  bool finished = false;
};

namespace {

// A pango layout of the text at the style's size and weight, for the current transform.
// The caller owns it (g_object_unref).
PangoLayout* make_layout(cairo_t* cr, const cairo_font_options_t* options, const std::string& utf8,
                         const TextStyle& style) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  pango_cairo_context_set_font_options(pango_layout_get_context(layout), options);
  pango_layout_context_changed(layout);
  PangoFontDescription* font = pango_font_description_from_string(kFontFamily);
  pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
  pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout, font);
  pango_font_description_free(font);
  const std::string text = valid_utf8(utf8);
  pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
  return layout;
}

double logical_width(PangoLayout* layout) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  return static_cast<double>(logical.width) / PANGO_SCALE;
}

}  // namespace

Canvas::Canvas(int width, int height, PlotFormat format) : s_(std::make_unique<State>()) {
  if (width <= 0 || height <= 0) throw Error("plot", "canvas", "empty size");
  s_->format = format;
  switch (format) {
    case PlotFormat::kPng:
      s_->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
      break;
    case PlotFormat::kSvg:
      s_->surface = cairo_svg_surface_create_for_stream(append_bytes, &s_->bytes, width, height);
      break;
    case PlotFormat::kPdf:
      s_->surface = cairo_pdf_surface_create_for_stream(append_bytes, &s_->bytes, width, height);
      break;
  }
  s_->cr = cairo_create(s_->surface);
  check(cairo_status(s_->cr), "canvas");
  // Slight hinting keeps small digits crisp in the PNG; vector output ignores it. No hinting
  // of metrics, so widths scale with the size.
  s_->font_options = cairo_font_options_create();
  cairo_font_options_set_antialias(s_->font_options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(s_->font_options, CAIRO_HINT_STYLE_SLIGHT);
  cairo_font_options_set_hint_metrics(s_->font_options, CAIRO_HINT_METRICS_OFF);
}

Canvas::~Canvas() {
  if (s_->font_options) cairo_font_options_destroy(s_->font_options);
  if (s_->cr) cairo_destroy(s_->cr);
  if (s_->surface) cairo_surface_destroy(s_->surface);
}

void Canvas::fill_rect(double x, double y, double w, double h, Rgb colour) {
  set_colour(s_->cr, colour);
  cairo_rectangle(s_->cr, x, y, w, h);
  cairo_fill(s_->cr);
}

void Canvas::stroke_rect(double x, double y, double w, double h, Rgb colour, double line_width) {
  set_colour(s_->cr, colour);
  cairo_set_line_width(s_->cr, line_width);
  cairo_rectangle(s_->cr, x, y, w, h);
  cairo_stroke(s_->cr);
}

void Canvas::line(double x0, double y0, double x1, double y1, Rgb colour, double line_width) {
  set_colour(s_->cr, colour);
  cairo_set_line_width(s_->cr, line_width);
  cairo_move_to(s_->cr, x0, y0);
  cairo_line_to(s_->cr, x1, y1);
  cairo_stroke(s_->cr);
}

void Canvas::hatch_rect(double x, double y, double w, double h, Rgb colour) {
  cairo_t* cr = s_->cr;
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_clip(cr);
  set_colour(cr, colour);
  cairo_set_line_width(cr, 1.5);
  const double step = 5;
  for (double d = -h; d < w; d += step) {
    cairo_move_to(cr, x + d, y + h);
    cairo_line_to(cr, x + d + h, y);
  }
  cairo_stroke(cr);
  cairo_restore(cr);
}

double Canvas::text_width(const std::string& utf8, const TextStyle& style) {
  PangoLayout* layout = make_layout(s_->cr, s_->font_options, utf8, style);
  const double w = logical_width(layout);
  g_object_unref(layout);
  return w;
}

void Canvas::text(double x, double y, const std::string& utf8, const TextStyle& style) {
  cairo_t* cr = s_->cr;
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, -style.rotate_deg * M_PI / 180.0);
  PangoLayout* layout = make_layout(cr, s_->font_options, utf8, style);
  const double baseline = static_cast<double>(pango_layout_get_baseline(layout)) / PANGO_SCALE;
  unknown_glyphs_ += pango_layout_get_unknown_glyphs_count(layout);
  set_colour(cr, style.colour);
  cairo_move_to(cr, -style.align * logical_width(layout), -baseline);
  pango_cairo_show_layout(cr, layout);
  g_object_unref(layout);
  cairo_restore(cr);
}

void Canvas::image(const Image& img, double x, double y, double w, double h) {
  if (img.width <= 0 || img.height <= 0) return;
  cairo_surface_t* src = cairo_image_surface_create(CAIRO_FORMAT_RGB24, img.width, img.height);
  check(cairo_surface_status(src), "image");
  cairo_surface_flush(src);
  unsigned char* data = cairo_image_surface_get_data(src);
  const int stride = cairo_image_surface_get_stride(src);
  for (int yy = 0; yy < img.height; ++yy) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::size_t>(yy) * stride);
    for (int xx = 0; xx < img.width; ++xx) {
      const Rgb c = img.get(xx, yy);
      row[xx] = (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
    }
  }
  cairo_surface_mark_dirty(src);
  cairo_t* cr = s_->cr;
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_clip(cr);
  cairo_translate(cr, x, y);
  cairo_scale(cr, w / img.width, h / img.height);
  cairo_set_source_surface(cr, src, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(src);
}

std::string Canvas::finish() {
  if (s_->finished) throw Error("plot", "canvas", "already finished");
  s_->finished = true;
  check(cairo_status(s_->cr), "canvas");
  if (unknown_glyphs_ > 0)
    spdlog::warn(
        "plot: {} characters of the text have no installed font and draw as boxes (install a "
        "font for their script, e.g. fonts-noto-cjk for Chinese, Japanese or Korean)",
        unknown_glyphs_);
  if (s_->format == PlotFormat::kPng) {
    cairo_surface_flush(s_->surface);
    check(cairo_surface_write_to_png_stream(s_->surface, append_bytes, &s_->bytes), "png");
  } else {
    cairo_surface_finish(s_->surface);
    check(cairo_surface_status(s_->surface), "surface");
  }
  return std::move(s_->bytes);
}

}  // namespace genrec
