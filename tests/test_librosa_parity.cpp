// Parity with librosa on the 50 real GTZAN clips of ../shared/data/gtzan-mini: MFCC 1-20 means
// and the spectral centroid mean against the Kaggle features_30_sec.csv (librosa < 0.9).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "audio/audio_source.h"
#include "audio/mel.h"
#include "audio/stft.h"
#include "csv_table.h"
#include "test_util.h"

namespace genrec {
namespace {

using test::CsvTable;
using test::read_csv;

// ref: librosa.feature.spectral_centroid (librosa < 0.9): |STFT| (n_fft 2048, hop 512, center,
// reflect), per frame sum_k f_k S_k / sum_k S_k (a silent frame gives 0), mean over frames.
double spectral_centroid_mean(const std::vector<float>& y, int sr) {
  Stft stft(2048, 512);
  std::vector<float> mag;
  stft.spectrogram(y.data(), y.size(), /*exponent=*/1.0f, mag);
  const std::size_t nb = static_cast<std::size_t>(stft.n_bins());
  const std::size_t frames = mag.size() / nb;
  double total = 0;
  for (std::size_t t = 0; t < frames; ++t) {
    double num = 0, den = 0;
    for (std::size_t k = 0; k < nb; ++k) {
      const double s = mag[t * nb + k];
      num += s * k * sr / 2048.0;
      den += s;
    }
    total += den > 0 ? num / den : num;
  }
  return total / static_cast<double>(frames);
}

TEST(LibrosaParity, MfccAndCentroidMeansOfGtzanMini) {
  GENREC_REQUIRE_SHARED();
  const std::string root = test::shared_data() + "/gtzan-mini/";
  const CsvTable csv = read_csv(root + "features_30_sec.csv");
  ASSERT_EQ(csv.rows.size(), 50u);
  const std::size_t c_name = csv.column("filename"), c_len = csv.column("length"),
                    c_label = csv.column("label"), c_cent = csv.column("spectral_centroid_mean");
  std::vector<std::size_t> c_mfcc;
  for (int k = 1; k <= 20; ++k) c_mfcc.push_back(csv.column("mfcc" + std::to_string(k) + "_mean"));

  FeatureConfig config;
  config.fmax = 0;  // librosa.feature.mfcc default: fmax = sr / 2
  double worst_mfcc = 0, worst_cent = 0;
  std::string worst_mfcc_at, worst_cent_at;
  for (const auto& row : csv.rows) {
    const std::string file = row[c_name];
    const std::vector<float> y =
        load_audio(root + "genres_original/" + row[c_label] + "/" + file, 22050);
    EXPECT_EQ(y.size(), std::stoul(row[c_len])) << file;

    const std::vector<float> m = mfcc(y.data(), y.size(), config, /*n_mfcc=*/20);
    const std::size_t frames = m.size() / 20;
    for (int k = 0; k < 20; ++k) {
      double mean = 0;
      for (std::size_t t = 0; t < frames; ++t) mean += m[k * frames + t];
      mean /= static_cast<double>(frames);
      const double err = std::abs(mean - std::stod(row[c_mfcc[k]]));
      EXPECT_LE(err, 0.01) << file << " mfcc" << k + 1 << " ours " << mean;
      if (err > worst_mfcc) {
        worst_mfcc = err;
        worst_mfcc_at = file + " mfcc" + std::to_string(k + 1);
      }
    }

    const double cent = spectral_centroid_mean(y, 22050);
    const double err = std::abs(cent - std::stod(row[c_cent]));
    EXPECT_LE(err, 0.05) << file << " spectral centroid ours " << cent;
    if (err > worst_cent) {
      worst_cent = err;
      worst_cent_at = file;
    }
  }
  std::printf("[parity] worst mfcc mean |err| %.3g (%s); worst centroid mean |err| %.3g Hz (%s)\n",
              worst_mfcc, worst_mfcc_at.c_str(), worst_cent, worst_cent_at.c_str());
}

}  // namespace
}  // namespace genrec
