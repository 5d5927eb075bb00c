#include "report/palette.h"

#include <cstdio>

namespace genrec {
namespace {
// ref: Okabe & Ito, "Color Universal Design" (2008); grey in place of black so that a genre
// block stays visible on a dark page.
constexpr Rgb kOkabeIto[kPaletteSize] = {
    {0xE6, 0x9F, 0x00},  // orange
    {0x56, 0xB4, 0xE9},  // sky blue
    {0x00, 0x9E, 0x73},  // bluish green
    {0xF0, 0xE4, 0x42},  // yellow
    {0x00, 0x72, 0xB2},  // blue
    {0xD5, 0x5E, 0x00},  // vermillion
    {0xCC, 0x79, 0xA7},  // reddish purple
    {0x99, 0x99, 0x99},  // grey
};
}  // namespace

GenreColour genre_colour(std::size_t index) {
  return {kOkabeIto[index % kPaletteSize], index >= kPaletteSize};
}

std::string hex_colour(Rgb c) {
  char b[8];
  std::snprintf(b, sizeof(b), "#%02x%02x%02x", c.r, c.g, c.b);
  return b;
}

}  // namespace genrec
