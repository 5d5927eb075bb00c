// The model-file loader on hostile bytes. Most mutations break the checksum, which the loader
// then rejects at once; so when the first byte is odd the target seals the rest with a valid
// checksum and end marker (as an attacker can), and the header, shapes and weights are parsed
// for real. A model that loads must also run: one segment through the network.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/error.h"
#include "model/genre_model.h"
#include "model/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) genrec::seal_model_file(bytes);
  try {
    const genrec::GenreModel model = genrec::GenreModel::from_bytes(bytes, "fuzz.genrec");
    const genrec::FeatureConfig& f = model.info().features;
    // Bounded by FeatureConfig::validate; the cap keeps each execution short.
    const std::size_t cells = static_cast<std::size_t>(f.n_mels) * f.frames_per_segment();
    if (cells <= (std::size_t{1} << 16)) {
      const std::vector<float> segment(cells, -40.0f);
      const std::vector<float> p = model.probabilities(segment.data(), 1);
      if (p.size() != model.n_labels()) __builtin_trap();
    }
  } catch (const genrec::Error&) {
  }
  return 0;
}
