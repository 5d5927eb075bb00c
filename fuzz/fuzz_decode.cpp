// The audio decoder (libsndfile through genrec's memory reader) on hostile bytes, read to the
// end at the file's own rate and through the resampler to 22050 Hz.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "audio/audio_source.h"
#include "audio/decoder.h"
#include "audio/error.h"

namespace {
// Decoded samples per input at most: a few bytes of FLAC can describe minutes of silence.
constexpr std::size_t kMaxSamples = std::size_t{1} << 22;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    genrec::Decoder decoder =
        genrec::Decoder::open_memory(std::vector<std::uint8_t>(data, data + size), "fuzz");
    const int rate = (size & 1) ? 22050 : decoder.info().sample_rate;
    genrec::AudioSource source(std::move(decoder), rate);
    std::vector<float> block(4096);
    std::size_t total = 0;
    for (std::size_t got; total < kMaxSamples && (got = source.read(block.data(), block.size()));)
      total += got;
    (void)source.stats().warning(66150, rate);
  } catch (const genrec::Error&) {
  }
  return 0;
}
