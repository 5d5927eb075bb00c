#pragma once
// RGB images for spectrograms and plots, and PNG encoding (libpng stays in png.cpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace genrec {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // row-major, top row first, 3 bytes per pixel
  Image() = default;
  Image(int w, int h, Rgb fill = {});
  void set(int x, int y, Rgb c);
  Rgb get(int x, int y) const;
};

// Perceptually uniform dark-to-bright map close to matplotlib's "magma"; t in [0, 1].
Rgb magma(float t);

// Draws a band-major [n_mels][n_frames] dB matrix: time on x, low bands at the bottom,
// colours scaled from the matrix min (dark) to max (bright); one pixel per bin times `scale`.
Image render_spectrogram(const float* db, int n_mels, std::size_t n_frames, int scale = 1);

// PNG bytes of an image; throws genrec::Error("png", ...) on encoder failure.
std::vector<std::uint8_t> encode_png(const Image& image);

}  // namespace genrec
