#pragma once
// `genrec mel`'s picture: the log-Mel spectrogram with a time axis in seconds, a frequency axis
// in Hz placed on the mel scale the bands use, and a dB colour bar, as PNG, SVG or PDF.
#include <string>

#include "audio/spectrogram.h"
#include "report/canvas.h"

namespace genrec {

// Height of `hz` in the image as a fraction from the bottom (0) to the top (1): the centre of
// mel band m (librosa.mel_frequencies(n_mels + 2)[m + 1]) lands on the centre of row m.
double mel_axis_fraction(double hz, const FeatureConfig& config);

// The encoded plot; pixel_scale pixels per frame and per band. Throws genrec::Error("plot", ...).
std::string render_mel_plot(const LogMelRange& range, const std::string& title, int pixel_scale,
                            PlotFormat format);

}  // namespace genrec
