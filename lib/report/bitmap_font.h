#pragma once
// A 5x7 pixel font with 2-pixel descenders (ASCII letters, digits, common punctuation) for
// labels in PNG plots.
#include <string>

#include "audio/image.h"

namespace genrec {

inline constexpr int kGlyphWidth = 5;
inline constexpr int kGlyphHeight = 9;   // 7 rows to the baseline, 2 below it
inline constexpr int kGlyphAdvance = 6;  // glyph width plus one pixel of spacing

// Width in pixels of `text` drawn at `scale`.
int text_width(const std::string& text, int scale);
// Draws text with its top-left corner at (x, y); unknown characters draw as a box.
void draw_text(Image& img, int x, int y, const std::string& text, Rgb color, int scale);
// Draws text rotated 90 degrees counter-clockwise (reading bottom to top), its bottom-left at (x,
// y).
void draw_text_vertical(Image& img, int x, int y, const std::string& text, Rgb color, int scale);

}  // namespace genrec
