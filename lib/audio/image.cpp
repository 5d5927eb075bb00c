#include "audio/image.h"

#include <algorithm>
#include <cmath>

namespace genrec {

Image::Image(int w, int h, Rgb fill)
    : width(w), height(h), rgb(static_cast<std::size_t>(w) * h * 3) {
  for (std::size_t i = 0; i < rgb.size(); i += 3) {
    rgb[i] = fill.r;
    rgb[i + 1] = fill.g;
    rgb[i + 2] = fill.b;
  }
}

void Image::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  std::size_t i = (static_cast<std::size_t>(y) * width + x) * 3;
  rgb[i] = c.r;
  rgb[i + 1] = c.g;
  rgb[i + 2] = c.b;
}

Rgb Image::get(int x, int y) const {
  std::size_t i = (static_cast<std::size_t>(y) * width + x) * 3;
  return {rgb[i], rgb[i + 1], rgb[i + 2]};
}

Rgb magma(float t) {
  // Nine anchor colours read off the magma map, linearly interpolated.
  static const Rgb kAnchors[] = {{0, 0, 4},      {28, 16, 68},    {79, 18, 123},
                                 {129, 37, 129}, {181, 54, 122},  {229, 80, 100},
                                 {251, 135, 97}, {254, 194, 135}, {252, 253, 191}};
  constexpr int kLast = 8;
  if (!(t > 0.0f)) return kAnchors[0];
  if (t >= 1.0f) return kAnchors[kLast];
  float pos = t * kLast;
  int i = static_cast<int>(pos);
  float f = pos - static_cast<float>(i);
  auto mix = [f](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(std::lround(a + (b - a) * f));
  };
  const Rgb& a = kAnchors[i];
  const Rgb& b = kAnchors[i + 1];
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

Image render_spectrogram(const float* db, int n_mels, std::size_t n_frames, int scale) {
  scale = std::max(scale, 1);
  float lo = INFINITY, hi = -INFINITY;
  const std::size_t n = static_cast<std::size_t>(n_mels) * n_frames;
  for (std::size_t i = 0; i < n; ++i) {
    lo = std::min(lo, db[i]);
    hi = std::max(hi, db[i]);
  }
  const float range = hi > lo ? hi - lo : 1.0f;
  Image img(static_cast<int>(n_frames) * scale, n_mels * scale);
  for (int m = 0; m < n_mels; ++m) {
    const int y0 = (n_mels - 1 - m) * scale;  // low bands at the bottom
    for (std::size_t t = 0; t < n_frames; ++t) {
      Rgb c = magma((db[static_cast<std::size_t>(m) * n_frames + t] - lo) / range);
      for (int dy = 0; dy < scale; ++dy)
        for (int dx = 0; dx < scale; ++dx) img.set(static_cast<int>(t) * scale + dx, y0 + dy, c);
    }
  }
  return img;
}

}  // namespace genrec
