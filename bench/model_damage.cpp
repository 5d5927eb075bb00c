// Damaged model files: N random single-bit flips and M random truncations of a model file,
// each loaded (and, if it loads, used on a clip) in this process. Every damaged copy must be
// refused with one genrec::Error; a copy that loads is a "silent" result and is counted.
// With --corpus, every input of the model-file fuzz target's corpus (its first byte dropped,
// as the target does) is loaded too, as it is: the loader must refuse each one that is not
// byte-identical to MODEL. The target's resealed variants (valid checksum) are fuzzed, not
// counted here: a valid checksum on changed weights is a different model, not damage.
//   model_damage MODEL CLIP [--flips 1000] [--truncations 100] [--seed 1] [--corpus DIR]
// Prints one line per kind: "flips: 1000 refused, 0 loaded (silent), 0 other errors".
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "audio/error.h"
#include "model/genre_model.h"
#include "model/model_file.h"
#include "model/predictor.h"

namespace {

struct Tally {
  int refused = 0, silent = 0, other = 0;
};

void try_load(const std::string& bytes, const std::string& clip, Tally& t) {
  try {
    const genrec::GenreModel m = genrec::GenreModel::from_bytes(bytes, "damaged.genrec");
    const genrec::Prediction p = genrec::predict_file(m, clip);
    ++t.silent;
    std::printf("silent: a damaged copy loaded and answered %s\n",
                p.ok() ? "a prediction" : p.error.c_str());
  } catch (const genrec::Error&) {
    ++t.refused;
  } catch (const std::exception& e) {
    ++t.other;
    std::printf("other error: %s\n", e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Loads randomly damaged copies of a model file"};
  std::string model, clip;
  int flips = 1000, truncations = 100;
  unsigned seed = 1;
  app.add_option("model", model)->required();
  app.add_option("clip", clip)->required();
  app.add_option("--flips", flips);
  app.add_option("--truncations", truncations);
  app.add_option("--seed", seed);
  std::string corpus;
  app.add_option("--corpus", corpus, "the fuzz_model_file corpus folder");
  CLI11_PARSE(app, argc, argv);
  const std::string original = genrec::read_model_bytes(model);
  std::mt19937_64 rng(seed);
  Tally f, t;
  for (int i = 0; i < flips; ++i) {
    std::string b = original;
    const std::size_t bit = std::uniform_int_distribution<std::size_t>(0, b.size() * 8 - 1)(rng);
    b[bit / 8] = static_cast<char>(b[bit / 8] ^ (1 << (bit % 8)));
    try_load(b, clip, f);
  }
  for (int i = 0; i < truncations; ++i) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(0, original.size() - 1)(rng);
    try_load(original.substr(0, n), clip, t);
  }
  Tally c;
  int intact = 0;
  if (!corpus.empty()) {
    for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string input((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      if (input.empty()) continue;
      const std::string b = input.substr(1);
      if (b == original)
        ++intact;
      else
        try_load(b, clip, c);
    }
  }
  std::printf("flips: %d refused, %d loaded (silent), %d other errors\n", f.refused, f.silent,
              f.other);
  std::printf("truncations: %d refused, %d loaded (silent), %d other errors\n", t.refused, t.silent,
              t.other);
  if (!corpus.empty())
    std::printf("corpus: %d refused, %d loaded (silent), %d other errors, %d intact copies\n",
                c.refused, c.silent, c.other, intact);
  return f.silent + f.other + t.silent + t.other + c.silent + c.other == 0 ? 0 : 1;
}
