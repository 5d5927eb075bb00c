#pragma once
// Genre colours: the colour-blind-safe Okabe–Ito palette (Wong, Nature Methods 8:441, 2011), in
// the order the model lists its labels. The page (web/app.js) uses the same eight colours in the
// same order; labels past the eighth reuse them with diagonal stripes.
#include <cstddef>
#include <string>

#include "audio/image.h"

namespace genrec {

inline constexpr std::size_t kPaletteSize = 8;

struct GenreColour {
  Rgb rgb;
  bool striped = false;  // true from the ninth label on: same hue as label i - 8, hatched
};

// The colour of the label at `index` in the model's label list.
GenreColour genre_colour(std::size_t index);
// "#rrggbb" of an Rgb.
std::string hex_colour(Rgb c);

}  // namespace genrec
