#pragma once
// The confusion matrix as a labelled heat map (rows = true, columns = predicted; colour =
// row-normalised share, each cell shows its count and row percentage), drawn with a real font
// as PNG, SVG or PDF. A swatch beside each label shows the genre's colour on the web page.
#include <string>

#include "report/canvas.h"
#include "report/metrics.h"

namespace genrec {

// Where the parts of the plot sit, in pixels (for tests and for the renderer).
struct ConfusionLayout {
  int n = 0;
  int cell = 0;                // side of one cell
  int grid_x = 0, grid_y = 0;  // top-left of cell (0, 0)
  int width = 0, height = 0;
};
ConfusionLayout confusion_layout(const ConfusionMatrix& cm, const std::string& title);

// The encoded image file. Labels are UTF-8 (invalid bytes are drawn as U+FFFD).
std::string render_confusion_plot(const ConfusionMatrix& cm, const std::string& title,
                                  PlotFormat format);

}  // namespace genrec
