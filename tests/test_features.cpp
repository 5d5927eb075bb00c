// genrec_features against librosa: the 50 real GTZAN clips of ../shared/data/gtzan-mini
// against their Kaggle features_30_sec.csv rows (librosa < 0.9), plus analytic checks on
// synthetic signals, the piece layout of features_3_sec.csv and the CSV format.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "audio/audio_source.h"
#include "audio/wav_writer.h"
#include "csv_table.h"
#include "features/batch.h"
#include "features/chroma.h"
#include "features/extractor.h"
#include "features/features_csv.h"
#include "features/frame_stats.h"
#include "features/hpss.h"
#include "features/rms_zcr.h"
#include "features/spectral.h"
#include "features/tempo.h"
#include "test_util.h"

namespace genrec {
namespace {

using test::CsvTable;
using test::read_csv;

bool is_var(const std::string& col) {
  return col.size() > 4 && col.substr(col.size() - 4) == "_var";
}

// The tolerances: means 0.1% relative (MFCC means, which cross zero, may instead be
// within 1e-3 absolute), variances 1%, harmony/perceptr variances 5%; harmony/perceptr means
// (tiny signed DC offsets) and tempo are judged separately.
bool within(const std::string& col, double ours, double ref, double* limit) {
  const double err = std::abs(ours - ref);
  const double rel = err / std::abs(ref);
  if (col == "harmony_var" || col == "perceptr_var") {
    *limit = 0.05;
    return rel <= 0.05;
  }
  if (is_var(col)) {
    *limit = 0.01;
    return rel <= 0.01;
  }
  *limit = 1e-3;
  return rel <= 1e-3 || (col.rfind("mfcc", 0) == 0 && err <= 1e-3);
}

TEST(FeaturesParity, FiftyGtzanClipsAgainstKaggleCsv) {
  GENREC_REQUIRE_SHARED();
  const std::string root = test::shared_data() + "/gtzan-mini/";
  const CsvTable csv = read_csv(root + "features_30_sec.csv");
  ASSERT_EQ(csv.rows.size(), 50u);
  // Our header is the Kaggle header, column for column.
  ASSERT_EQ(features_csv_header(20), [&] {
    std::string h;
    for (const std::string& c : csv.header) h += (h.empty() ? "" : ",") + c;
    return h;
  }());

  std::vector<std::string> paths;
  const std::size_t c_name = csv.column("filename"), c_label = csv.column("label");
  for (const auto& row : csv.rows)
    paths.push_back(root + "genres_original/" + row[c_label] + "/" + row[c_name]);
  FeatureBatchOptions options;
  options.threads = 2;
  const std::vector<FileFeatures> results = batch_features(paths, options);

  const std::vector<std::string> cols = feature_value_columns(20);
  std::vector<double> worst_rel(cols.size(), 0.0), worst_abs(cols.size(), 0.0), limit(cols.size());
  std::vector<std::string> worst_at(cols.size());
  int tempo_ok = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& ref = csv.rows[i];
    ASSERT_TRUE(results[i].error.empty()) << results[i].error;
    ASSERT_EQ(results[i].rows.size(), 1u);
    const FeatureRow& row = results[i].rows[0];
    EXPECT_EQ(row.filename, ref[c_name]);
    EXPECT_EQ(row.label, ref[c_label]);
    EXPECT_EQ(row.length, std::stoul(ref[csv.column("length")])) << row.filename;
    const std::vector<double> v = row.features.values();
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const double r = std::stod(ref[csv.column(cols[c])]);
      const double err = std::abs(v[c] - r), rel = err / std::abs(r);
      if (cols[c] == "tempo") {
        if (err <= 1.0) ++tempo_ok;
      } else if (cols[c] != "harmony_mean" && cols[c] != "perceptr_mean") {
        EXPECT_TRUE(within(cols[c], v[c], r, &limit[c]))
            << row.filename << " " << cols[c] << " ours " << v[c] << " librosa " << r;
      }
      if (rel > worst_rel[c]) {
        worst_rel[c] = rel;
        worst_at[c] = row.filename;
      }
      worst_abs[c] = std::max(worst_abs[c], err);
    }
  }
  std::printf("[features] worst error per column over %zu clips (librosa = features_30_sec.csv)\n",
              results.size());
  std::printf("  %-24s %12s %12s %9s  %s\n", "column", "worst rel", "worst abs", "limit", "clip");
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const bool judged =
        cols[c] != "tempo" && cols[c] != "harmony_mean" && cols[c] != "perceptr_mean";
    std::printf("  %-24s %12.3e %12.3e %9s  %s\n", cols[c].c_str(), worst_rel[c], worst_abs[c],
                judged ? (limit[c] == 0.05   ? "5%"
                          : limit[c] == 0.01 ? "1%"
                                             : "0.1%")
                       : (cols[c] == "tempo" ? "1 BPM" : "-"),
                worst_at[c].c_str());
  }
  std::printf("  tempo within 1 BPM: %d of %zu clips\n", tempo_ok, results.size());
  EXPECT_GE(tempo_ok, 45);
}

TEST(FeaturesParity, PiecesFollowTheKaggleThreeSecondLayout) {
  GENREC_REQUIRE_SHARED();
  const std::string path =
      test::shared_data() + "/gtzan-mini/genres_original/blues/blues.00000.wav";
  FeatureBatchOptions options;
  options.segment_seconds = 3.0;
  FeatureExtractor ex;
  const std::vector<FeatureRow> rows = file_features(path, options, ex);
  ASSERT_EQ(rows.size(), 10u);  // 661794 samples: ten pieces of 66149 every 66150
  const std::vector<float> y = load_audio(path, 22050);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    EXPECT_EQ(rows[k].filename, "blues.00000." + std::to_string(k) + ".wav");
    EXPECT_EQ(rows[k].length, 66149u);
    EXPECT_EQ(rows[k].label, "blues");
  }
  // Piece 7 is exactly samples [7 * 66150, 7 * 66150 + 66149) of the clip.
  const std::vector<double> direct = ex.compute(y.data() + 7 * 66150, 66149).values();
  const std::vector<double> piece = rows[7].features.values();
  for (std::size_t c = 0; c < direct.size(); ++c) EXPECT_DOUBLE_EQ(piece[c], direct[c]) << c;
}

TEST(Features, BlockSizeDoesNotChangeResults) {
  // A 4 s signal with a tone, a click train and noise; blocks of 3 frames vs one block.
  std::vector<float> y = test::tone(440.0, 4.0, 22050, 0.3);
  const std::vector<float> n = test::noise(4.0, 22050, 7, 0.05);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += n[i] + (i % 11025 < 200 ? 0.5f : 0.0f);
  FeatureOptions small, large;
  small.block_frames = 3;
  large.block_frames = 100000;
  const std::vector<double> a = FeatureExtractor(small).compute(y.data(), y.size()).values();
  const std::vector<double> b = FeatureExtractor(large).compute(y.data(), y.size()).values();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t c = 0; c < a.size(); ++c)
    EXPECT_NEAR(a[c], b[c], 1e-9 * std::max(1.0, std::abs(b[c]))) << feature_value_columns(20)[c];
}

TEST(Features, AnalyticValuesOfATone) {
  // A sine of amplitude 0.5 with exactly 93 periods per 2048 samples (1001.2 Hz, 23.5 cents
  // above B5): rms 0.5/sqrt(2), 186 sign changes per frame, spectral centroid at its
  // frequency, chroma maximal at B.
  const double hz = 93 * 22050.0 / 2048;
  const std::vector<float> y = test::tone(hz, 2.0, 22050, 0.5);
  const std::vector<double> r = rms(y.data(), y.size());
  EXPECT_NEAR(r[r.size() / 2], 0.5 / std::sqrt(2.0), 1e-6);
  const std::vector<double> z = zero_crossing_rate(y.data(), y.size());
  EXPECT_NEAR(z[z.size() / 2], 186.0 / 2048, 1.0 / 2048);
  Stft stft(2048, 512);
  std::vector<float> mag, power;
  stft.spectrogram(y.data(), y.size(), 1.0f, mag);
  stft.spectrogram(y.data(), y.size(), 2.0f, power);
  const std::size_t frames = stft.n_frames(y.size());
  const std::vector<double> c = spectral_centroid(mag.data(), frames, 1025, 22050);
  EXPECT_NEAR(c[frames / 2], hz, 1.0);
  const std::vector<double> ro = spectral_rolloff(mag.data(), frames, 1025, 22050);
  EXPECT_NEAR(ro[frames / 2], hz, 22050.0 / 2048 + 1e-9);
  const std::vector<float> chroma = chroma_stft(power.data(), frames, 1025, 22050);
  std::size_t best = 0;
  for (std::size_t k = 1; k < 12; ++k)
    if (chroma[k * frames + frames / 2] > chroma[best * frames + frames / 2]) best = k;
  EXPECT_EQ(best, 11u);  // rows start at C: C C# D ... A A# B
  EXPECT_FLOAT_EQ(chroma[best * frames + frames / 2], 1.0f);
}

TEST(Features, MedianFilterReflectsLikeScipy) {
  // scipy.ndimage.median_filter([1, 5, 2, 8, 3], size=3, mode="reflect") == [1, 2, 5, 3, 3]
  // (the edge sample is repeated: 1 | 1 5 2 8 3 | 3); with size 5, 5 1 | ... | 3 8 gives
  // [2, 2, 3, 3, 3].
  const float x[] = {1, 5, 2, 8, 3};
  float out[5];
  median_filter_1d(x, 5, 1, 3, out);
  EXPECT_EQ(std::vector<float>(out, out + 5), (std::vector<float>{1, 2, 5, 3, 3}));
  median_filter_1d(x, 5, 1, 5, out);
  EXPECT_EQ(std::vector<float>(out, out + 5), (std::vector<float>{2, 2, 3, 3, 3}));
}

TEST(Features, MeanAndVarianceAsNumpy) {
  // np.mean([1, 2, 3, 4]) == 2.5 and np.var(...) == 1.25 (ddof=0), also accumulated in parts.
  const double x[] = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(mean_var(x, 4).mean, 2.5);
  EXPECT_DOUBLE_EQ(mean_var(x, 4).var, 1.25);
  RunningMeanVar r;
  r.add(x, 1);
  r.add(x + 1, 3);
  r.add_repeated(0.0, 4);  // [1, 2, 3, 4, 0, 0, 0, 0]: mean 1.25, var 30/8 - 1.25^2 = 2.1875
  EXPECT_DOUBLE_EQ(r.result().mean, 1.25);
  EXPECT_DOUBLE_EQ(r.result().var, 2.1875);
}

TEST(Features, PitchTuningOfDetunedPeaks) {
  // Peaks 25 cents sharp of A4, E5 and A5 (librosa's own pitch_tuning example: +0.25 bins).
  std::vector<float> f;
  for (double hz : {440.0, 659.2551, 880.0})
    for (int i = 0; i < 10; ++i) f.push_back(static_cast<float>(hz * std::pow(2.0, 0.25 / 12)));
  EXPECT_NEAR(pitch_tuning(f), 0.25, 0.0100001);
  EXPECT_EQ(pitch_tuning({}), 0.0);
}

TEST(Features, TempoOfAClickTrain) {
  // Onsets every 0.5 s (120 BPM): the nearest lag at hop 512 is 22 frames = 117.45 BPM.
  const int sr = 22050, hop = 512;
  std::vector<float> env(1300, 0.0f);
  for (std::size_t t = 0; t < env.size(); ++t)
    if (std::fmod(t * hop / static_cast<double>(sr), 0.5) < hop / static_cast<double>(sr))
      env[t] = 1.0f;
  EXPECT_NEAR(tempo(env, sr, hop), 60.0 * sr / hop / 22, 1e-9);
}

TEST(FeaturesCsv, NumbersAsPythonRepr) {
  // Python: repr(x) for each value.
  EXPECT_EQ(format_number(123.046875), "123.046875");
  EXPECT_EQ(format_number(7.783231922076084e-06), "7.783231922076084e-06");
  EXPECT_EQ(format_number(0.08304482066898686), "0.08304482066898686");
  EXPECT_EQ(format_number(-113.57064819335938), "-113.57064819335938");
  EXPECT_EQ(format_number(661794.0), "661794.0");
  EXPECT_EQ(format_number(0.0001), "0.0001");
  EXPECT_EQ(format_number(1e-05), "1e-05");
  EXPECT_EQ(format_number(1e16), "1e+16");
  EXPECT_EQ(format_number(0.0), "0.0");
  for (double v : {0.35008811950683594, 129774.06452515082, -4.5297241740627214e-05})
    EXPECT_EQ(std::stod(format_number(v)), v);
}

TEST(FeaturesBatch, BadFilesAreReportedAndOthersStillWritten) {
  const std::string dir = test::scratch_dir("features_batch");
  const std::string good = dir + "/rock/rock.00001.wav";
  std::filesystem::create_directories(dir + "/rock");
  write_wav(good, test::tone(330.0, 1.0), 22050);
  const std::string bad = dir + "/not_audio.wav";
  std::ofstream(bad) << "this is not a wav file";
  const std::string missing = dir + "/missing.wav";
  FeatureBatchOptions options;
  options.threads = 2;
  const std::vector<FileFeatures> r = batch_features({bad, good, missing}, options);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_NE(r[0].error.find(bad), std::string::npos) << r[0].error;
  EXPECT_TRUE(r[1].error.empty()) << r[1].error;
  ASSERT_EQ(r[1].rows.size(), 1u);
  EXPECT_EQ(r[1].rows[0].label, "rock");
  EXPECT_EQ(r[1].rows[0].length, 22050u);
  EXPECT_NE(r[2].error.find(missing), std::string::npos) << r[2].error;
  // A file shorter than one 3 s piece gives one row of its real length.
  options.segment_seconds = 3.0;
  const std::vector<FileFeatures> p = batch_features({good}, options);
  ASSERT_EQ(p[0].rows.size(), 1u);
  EXPECT_EQ(p[0].rows[0].filename, "rock.00001.0.wav");
  EXPECT_EQ(p[0].rows[0].length, 22050u);
}

TEST(FeaturesBatch, LabelsAndPieceNames) {
  EXPECT_EQ(genre_label("/d/genres_original/jazz/jazz.00054.wav"), "jazz");
  EXPECT_EQ(genre_label("/d/salsa/salsa.00001.mp3"), "salsa");
  EXPECT_EQ(genre_label("/home/me/Music/song.mp3"), "");
  EXPECT_EQ(piece_filename("blues.00000.wav", 3), "blues.00000.3.wav");
  EXPECT_EQ(piece_samples(3.0, 22050), 66149u);
}

}  // namespace
}  // namespace genrec
