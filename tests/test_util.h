#pragma once
// Helpers shared by the tests: where ../shared/data is, scratch directories, signals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace genrec::test {

// ../shared/data beside the checkout, or $GENREC_SHARED_DATA; empty when absent.
inline std::string shared_data() {
  if (const char* env = std::getenv("GENREC_SHARED_DATA")) return env;
  std::filesystem::path p = std::filesystem::path(GENREC_SOURCE_DIR) / ".." / "shared" / "data";
  return std::filesystem::exists(p) ? std::filesystem::canonical(p).string() : std::string();
}

#define GENREC_REQUIRE_SHARED()                                             \
  do {                                                                      \
    if (genrec::test::shared_data().empty())                                \
      GTEST_SKIP() << "../shared/data is absent (a user's fresh checkout)"; \
  } while (0)

// A fresh directory under the build tree, removed at the start of each use. Under
// $GENREC_TEST_SCRATCH (a folder name) instead of test-scratch when set: a second CTest run of
// the same test binary (the *_generic_kernels runs) must not wipe the folders of the first
// while they run side by side.
inline std::string scratch_dir(const std::string& name) {
  const char* root = std::getenv("GENREC_TEST_SCRATCH");
  std::filesystem::path p =
      std::filesystem::path(GENREC_BINARY_DIR) / (root && *root ? root : "test-scratch") / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

inline std::vector<float> tone(double hz, double seconds, int sr = 22050, double amp = 0.5) {
  std::vector<float> x(static_cast<std::size_t>(seconds * sr));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(amp * std::sin(2 * M_PI * hz * static_cast<double>(i) / sr));
  return x;
}

inline std::vector<float> noise(double seconds, int sr = 22050, unsigned seed = 1,
                                double amp = 0.3) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(static_cast<std::size_t>(seconds * sr));
  for (float& v : x) v = static_cast<float>(amp) * u(rng);
  return x;
}

// A cached song's float16 words, [n_frames][n_mels], as a vector (for comparisons).
template <typename SongFeatures>
std::vector<std::uint16_t> cached_features(const SongFeatures& song, int n_mels) {
  std::vector<std::uint16_t> out(song.n_frames * static_cast<std::size_t>(n_mels));
  read_song_frames(song, 0, song.n_frames, n_mels, out.data());
  return out;
}

}  // namespace genrec::test
