#pragma once
// A 2-D drawing surface for plots, backed by cairo and pango (the only file that sees them):
// rectangles, lines, UTF-8 text in a real font (DejaVu Sans, with pango's per-glyph fallback
// to any installed font for scripts it lacks, e.g. CJK), raster images; encoded
// as PNG, SVG or PDF. Coordinates are in pixels (points for SVG/PDF), y down.
#include <memory>
#include <string>

#include "audio/image.h"

namespace genrec {

enum class PlotFormat { kPng, kSvg, kPdf };

// "png", "svg" or "pdf" (any case) to a format; throws genrec::Error("plot", name, ...).
PlotFormat plot_format(const std::string& name);

struct TextStyle {
  double size = 13;  // font size in pixels
  bool bold = false;
  double align = 0.0;     // 0: x is the left end, 0.5: the centre, 1: the right end
  double rotate_deg = 0;  // counter-clockwise; 90 reads bottom to top
  Rgb colour{33, 37, 41};
};

// A style in one expression: text_style(13, /*align=*/0.5).
TextStyle text_style(double size, double align = 0, double rotate_deg = 0, bool bold = false,
                     Rgb colour = TextStyle{}.colour);

class Canvas {
 public:
  Canvas(int width, int height, PlotFormat format);
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  void fill_rect(double x, double y, double w, double h, Rgb colour);
  void stroke_rect(double x, double y, double w, double h, Rgb colour, double line_width = 1);
  void line(double x0, double y0, double x1, double y1, Rgb colour, double line_width = 1);
  // Diagonal hatching over a rectangle (marks palette colours reused past the eighth label).
  void hatch_rect(double x, double y, double w, double h, Rgb colour);
  // Text whose baseline's anchor point is (x, y), the anchor chosen by style.align.
  void text(double x, double y, const std::string& utf8, const TextStyle& style);
  // Advance width of the text in pixels at the style's size and weight.
  double text_width(const std::string& utf8, const TextStyle& style);
  // Characters drawn so far that no installed font has (drawn as boxes).
  int unknown_glyphs() const { return unknown_glyphs_; }
  // Draws an image into the rectangle, each source pixel a sharp block (no smoothing).
  void image(const Image& img, double x, double y, double w, double h);
  // Ends drawing and returns the encoded file; the canvas cannot be drawn on afterwards.
  // Throws genrec::Error("plot", ...) when cairo reports a failure.
  std::string finish();

 private:
  struct State;
  std::unique_ptr<State> s_;
  int unknown_glyphs_ = 0;
};

}  // namespace genrec
