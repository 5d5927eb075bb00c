// The dataset-list parsers on hostile text: a CSV or TSV manifest, and FMA's tracks.csv (the
// first byte picks which). The text is written to a scratch folder that also holds a few audio
// files (a.wav, b.wav, fma_small/000/000002.mp3), so rows naming them get past the existence
// check and reach label, split and subset handling.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "audio/error.h"
#include "data/fma.h"
#include "data/manifest.h"

namespace fs = std::filesystem;

namespace {

// Made once per process and removed at its exit.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("genrec-fuzz-manifest-" + std::to_string(getpid()));
  Scratch() {
    spdlog::set_level(spdlog::level::err);  // a warning per skipped row would drown the fuzzer
    fs::create_directories(dir / "fma_small/000");
    for (const char* f : {"a.wav", "b.wav", "fma_small/000/000002.mp3", "fma_small/000/000005.mp3"})
      std::ofstream(dir / f) << "x";
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const fs::path& scratch() {
  static const Scratch s;
  return s.dir;
}

void write(const fs::path& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int kind = data[0] % 3;
  const fs::path file = scratch() / (kind == 0   ? "list.csv"
                                     : kind == 1 ? "list.tsv"
                                                 : "tracks.csv");
  write(file, data + 1, size - 1);
  try {
    if (kind < 2) {
      (void)genrec::looks_like_manifest(file.string());
      (void)genrec::read_manifest(file.string());
    } else {
      (void)genrec::looks_like_fma_tracks(file.string());
      (void)genrec::read_fma_tracks({file.string(), (scratch() / "fma_small").string(), ""});
    }
  } catch (const genrec::Error&) {
  }
  return 0;
}
