// The GTZAN clips re-encoded in ../shared/data/formats (MP3 44.1 kHz stereo, FLAC 48 kHz stereo,
// WAV 16 kHz mono) give log-Mel spectrograms close to the 22050 Hz originals after decode,
// downmix and soxr resampling.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "audio/audio_source.h"
#include "audio/mel.h"
#include "test_util.h"

namespace genrec {
namespace {

// The lag (in samples, |lag| <= max_lag) maximising the normalised cross-correlation of
// y[i + lag] with x[i] over a window in the middle of x.
int best_lag(const std::vector<float>& x, const std::vector<float>& y, int max_lag) {
  const std::size_t n = std::min(x.size(), y.size());
  const std::size_t len = 2 * 22050, begin = n / 2 - len / 2;
  double best = -1;
  int best_lag = 0;
  for (int lag = -max_lag; lag <= max_lag; ++lag) {
    double xy = 0, yy = 0;
    for (std::size_t i = begin; i < begin + len; ++i) {
      const double b = y[static_cast<std::size_t>(static_cast<long long>(i) + lag)];
      xy += x[i] * b;
      yy += b * b;
    }
    const double c = yy > 0 ? xy / std::sqrt(yy) : 0;
    if (c > best) {
      best = c;
      best_lag = lag;
    }
  }
  return best_lag;
}

struct Comparison {
  int lag = 0;
  double mean_abs_db = 0;
  double p99_abs_db = 0;
};

// Log-Mel (whole clip, each floored at its own max - 80 dB) of the original x and of the
// re-encoded y shifted by the measured lag; mean |dB difference| over bands [0, n_bands).
Comparison compare(const std::vector<float>& x, const std::vector<float>& y, int n_bands) {
  Comparison c;
  c.lag = best_lag(x, y, 4096);
  const std::size_t x0 = c.lag < 0 ? static_cast<std::size_t>(-c.lag) : 0;
  const std::size_t y0 = c.lag > 0 ? static_cast<std::size_t>(c.lag) : 0;
  const std::size_t n = std::min(x.size() - x0, y.size() - y0);
  LogMelExtractor ex{FeatureConfig{}};
  std::vector<float> a, b;
  ex.log_mel(x.data() + x0, n, a);
  ex.log_mel(y.data() + y0, n, b);
  const std::size_t frames = ex.n_frames(n);
  std::vector<double> diffs;
  diffs.reserve(static_cast<std::size_t>(n_bands) * frames);
  for (std::size_t i = 0; i < static_cast<std::size_t>(n_bands) * frames; ++i)
    diffs.push_back(std::abs(static_cast<double>(a[i]) - b[i]));
  double sum = 0;
  for (double d : diffs) sum += d;
  c.mean_abs_db = sum / static_cast<double>(diffs.size());
  std::sort(diffs.begin(), diffs.end());
  c.p99_abs_db = diffs[diffs.size() * 99 / 100];
  return c;
}

// Bands of the default 128-band filterbank whose upper edge is at or below hz.
int bands_below(double hz) {
  const FeatureConfig c;
  const double mmin = hz_to_mel(c.fmin), mmax = hz_to_mel(c.fmax_hz());
  int n = 0;
  while (n < c.n_mels && mel_to_hz(mmin + (mmax - mmin) * (n + 2) / (c.n_mels + 1)) <= hz) ++n;
  return n;
}

struct FormatCase {
  const char* encoded;
  const char* original;
  double max_mean_abs_db;
  double max_hz;      // compare bands below this (the 16 kHz copy has nothing above 8 kHz)
  bool lossless_pcm;  // no codec delay: the lag must be 0
};

class Formats : public ::testing::TestWithParam<FormatCase> {};

TEST_P(Formats, LogMelCloseToOriginal) {
  GENREC_REQUIRE_SHARED();
  const FormatCase& fc = GetParam();
  const std::string root = test::shared_data();
  const std::vector<float> x =
      load_audio(root + "/gtzan-mini/genres_original/" + fc.original, 22050);
  const std::vector<float> y = load_audio(root + "/formats/" + fc.encoded, 22050);
  const int n_bands = bands_below(fc.max_hz);
  const Comparison c = compare(x, y, n_bands);
  std::printf(
      "[formats] %-28s %zu vs %zu samples, lag %d, bands 0-%d: mean |dB diff| %.4f, "
      "p99 %.3f\n",
      fc.encoded, y.size(), x.size(), c.lag, n_bands - 1, c.mean_abs_db, c.p99_abs_db);
  EXPECT_LE(c.mean_abs_db, fc.max_mean_abs_db) << fc.encoded;
  if (fc.lossless_pcm) {
    EXPECT_EQ(c.lag, 0) << fc.encoded;
  }
}

// Measured (mean |dB diff| over the clip): MP3 0.516 dB after aligning by its 553-sample
// codec delay (2.58 dB unaligned), FLAC 0.0014 dB, 16 kHz WAV 0.0020 dB below 7.5 kHz.
// 128 kbps MP3 drops masked detail, so it gets ~1.5x its measurement; the lossless copies
// only went through two soxr conversions, so 0.01 dB (5x) bounds them.
INSTANTIATE_TEST_SUITE_P(Shared, Formats,
                         ::testing::Values(FormatCase{"jazz.00000.44k-stereo.mp3",
                                                      "jazz/jazz.00000.wav", 0.75, 11025, false},
                                           FormatCase{"rock.00000.48k-stereo.flac",
                                                      "rock/rock.00000.wav", 0.01, 11025, true},
                                           FormatCase{"disco.00000.16k-mono.wav",
                                                      "disco/disco.00000.wav", 0.01, 7500, true}));

}  // namespace
}  // namespace genrec
