// The log-Mel front end and the mel filterbank against torchaudio goldens made by
// scripts/gen_goldens.py (committed under tests/golden/; CI needs no Python).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "audio/mel.h"
#include "test_util.h"

namespace genrec {
namespace {

const std::string kGoldenDir = std::string(GENREC_SOURCE_DIR) + "/tests/golden/";

// A golden array: "GRGOLD1\0", uint32 dtype (1 float32, 2 int16 PCM / 32768), rows, cols.
struct Golden {
  std::uint32_t rows = 0, cols = 0;
  std::vector<float> data;
};

std::uint32_t read_u32(std::istream& in) {
  unsigned char b[4];
  in.read(reinterpret_cast<char*>(b), 4);
  return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

Golden read_golden(const std::string& name) {
  std::ifstream in(kGoldenDir + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing golden " + name);
  char magic[8];
  in.read(magic, 8);
  if (std::memcmp(magic, "GRGOLD1\0", 8) != 0) throw std::runtime_error("bad magic " + name);
  Golden g;
  const std::uint32_t dtype = read_u32(in);
  g.rows = read_u32(in);
  g.cols = read_u32(in);
  const std::size_t n = static_cast<std::size_t>(g.rows) * g.cols;
  g.data.resize(n);
  std::vector<unsigned char> raw(n * (dtype == 1 ? 4 : 2));
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  if (!in) throw std::runtime_error("truncated golden " + name);
  for (std::size_t i = 0; i < n; ++i) {
    if (dtype == 1) {
      const std::uint32_t u = raw[4 * i] | (raw[4 * i + 1] << 8) | (raw[4 * i + 2] << 16) |
                              (static_cast<std::uint32_t>(raw[4 * i + 3]) << 24);
      std::memcpy(&g.data[i], &u, 4);
    } else {
      const auto s = static_cast<std::int16_t>(raw[2 * i] | (raw[2 * i + 1] << 8));
      g.data[i] = static_cast<float>(s) / 32768.0f;
    }
  }
  return g;
}

// Bins this far above the reference floor must match to kTolDb; closer ones may straddle it.
constexpr double kLiveMarginDb = 1.0;
constexpr double kTolDb = 1e-3;

class GoldenLogMel : public ::testing::TestWithParam<const char*> {};

TEST_P(GoldenLogMel, MatchesTorchaudio) {
  const std::string name = GetParam();
  const Golden in = read_golden("logmel_" + name + ".in.bin");
  const Golden ref = read_golden("logmel_" + name + ".db.bin");
  FeatureConfig config;
  LogMelExtractor ex(config);
  std::vector<float> db;
  ex.log_mel(in.data.data(), in.data.size(), db);
  ASSERT_EQ(ref.rows, 128u);
  ASSERT_EQ(ex.n_frames(in.data.size()), ref.cols);
  ASSERT_EQ(db.size(), ref.data.size());

  const float ref_max = *std::max_element(ref.data.begin(), ref.data.end());
  const float our_max = *std::max_element(db.begin(), db.end());
  EXPECT_NEAR(our_max, ref_max, kTolDb);
  const double ref_floor = ref_max - 80.0, our_floor = our_max - 80.0;
  double worst_live = 0, worst_edge = 0;
  std::size_t n_live = 0, n_floored = 0;
  for (std::size_t i = 0; i < db.size(); ++i) {
    const double r = ref.data[i], v = db[i];
    if (r >= ref_floor + kLiveMarginDb) {
      worst_live = std::max(worst_live, std::abs(v - r));
      ++n_live;
    } else if (r <= ref_floor + 1e-4) {
      // Floored in the reference: floored in ours too (up to the dB tolerance).
      EXPECT_LE(v, our_floor + kTolDb) << name << " bin " << i;
      ++n_floored;
    } else {
      worst_edge = std::max(worst_edge, std::abs(v - r));
    }
  }
  EXPECT_LE(worst_live, kTolDb) << name;
  // Within 1 dB of the floor a bin may be floored on one side only; measured <= 5e-4 dB.
  EXPECT_LE(worst_edge, kTolDb) << name;
  std::printf("[golden] %-9s live %zu (max |err| %.2e dB), floored %zu, edge max |err| %.2e dB\n",
              name.c_str(), n_live, worst_live, n_floored, worst_edge);
}

INSTANTIATE_TEST_SUITE_P(Signals, GoldenLogMel,
                         ::testing::Values("tone440", "two_tone", "chirp", "noise", "silence",
                                           "short"));

// Loads a sparse "mel bin weight" list into a dense [n_mels][n_bins] matrix.
struct FbankGolden {
  int sr = 0, n_fft = 0, n_mels = 0;
  double fmin = 0, fmax = 0;
  std::vector<double> dense;
};

FbankGolden read_fbank(const std::string& name) {
  std::ifstream in(kGoldenDir + name);
  if (!in) throw std::runtime_error("missing golden " + name);
  FbankGolden g;
  std::string line;
  bool header = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    if (!header) {
      s >> g.sr >> g.n_fft >> g.n_mels >> g.fmin >> g.fmax;
      g.dense.assign(static_cast<std::size_t>(g.n_mels) * (g.n_fft / 2 + 1), 0.0);
      header = true;
      continue;
    }
    int m = 0, k = 0;
    double w = 0;
    s >> m >> k >> w;
    g.dense.at(static_cast<std::size_t>(m) * (g.n_fft / 2 + 1) + k) = w;
  }
  return g;
}

class GoldenFbank : public ::testing::TestWithParam<const char*> {};

TEST_P(GoldenFbank, DenseMatchesTorchaudioMelscaleFbanks) {
  const FbankGolden g = read_fbank(GetParam());
  MelFilterbank fb(g.sr, g.n_fft, g.n_mels, g.fmin, g.fmax);
  const std::vector<float> ours = fb.dense();
  ASSERT_EQ(ours.size(), g.dense.size());
  double worst = 0, peak = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    worst = std::max(worst, std::abs(ours[i] - g.dense[i]));
    peak = std::max(peak, g.dense[i]);
    // The sparsity pattern is exact: a zero is a zero.
    ASSERT_EQ(ours[i] == 0.0f, g.dense[i] == 0.0) << "entry " << i;
  }
  EXPECT_LE(worst, 1e-6) << GetParam();
  std::printf("[golden] %s: max |err| %.2e (largest weight %.3e)\n", GetParam(), worst, peak);
}

// mel_bands_below(hz) against torchaudio's filters: the bands it counts have no weight above hz,
// and the first band it leaves out reaches within one FFT bin of hz or beyond.
TEST_P(GoldenFbank, BandsBelowAFrequencySeeNothingAboveIt) {
  const FbankGolden g = read_fbank(GetParam());
  const int n_bins = g.n_fft / 2 + 1;
  const double bin_hz = static_cast<double>(g.sr) / g.n_fft;
  auto top_hz = [&](int m) {  // the highest frequency band m weighs
    double top = 0;
    for (int k = 0; k < n_bins; ++k)
      if (g.dense[static_cast<std::size_t>(m) * n_bins + k] != 0.0) top = k * bin_hz;
    return top;
  };
  for (double hz : {1000.0, 4000.0, 7500.0, 8000.0}) {
    const int n = mel_bands_below(g.n_mels, g.fmin, g.fmax, hz);
    SCOPED_TRACE(std::to_string(hz) + " Hz: " + std::to_string(n) + " bands");
    ASSERT_GT(n, 0);
    for (int m = 0; m < n; ++m) EXPECT_LE(top_hz(m), hz) << "band " << m;
    if (n < g.n_mels) {
      EXPECT_GT(top_hz(n), hz - bin_hz) << "band " << n;
    }
  }
  EXPECT_EQ(mel_bands_below(g.n_mels, g.fmin, g.fmax, g.fmax), g.n_mels);
}

INSTANTIATE_TEST_SUITE_P(Configs, GoldenFbank,
                         ::testing::Values("mel_fbank_22050_2048_128.txt",
                                           "mel_fbank_16000_512_40.txt"));

}  // namespace
}  // namespace genrec
