#pragma once
// The confusion matrix as a labelled heat map (rows = true, columns = predicted; colour =
// row-normalised share, each cell shows its count and row percentage), as PNG or SVG.
#include <string>

#include "audio/image.h"
#include "report/metrics.h"

namespace genrec {

Image confusion_image(const ConfusionMatrix& cm, const std::string& title);
std::string confusion_svg(const ConfusionMatrix& cm, const std::string& title);
// Picks the format from the extension (.png or .svg); throws genrec::Error("plot", path, ...).
void write_confusion_plot(const std::string& path, const ConfusionMatrix& cm,
                          const std::string& title);

}  // namespace genrec
