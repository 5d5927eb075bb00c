#pragma once
// The hand-crafted features of the Kaggle GTZAN CSVs (features_30_sec.csv, features_3_sec.csv),
// computed as librosa < 0.9 does, for one clip of mono audio at the sample rate:
//
//   y -> STFT (n_fft 2048, hop 512, centred, reflect) -> |D|: centroid, bandwidth, rolloff
//                                                     -> |D|^2: chroma (with tuning), mel -> dB
//                                                        -> MFCC, onset strength -> tempo
//                                                     -> D: HPSS -> ISTFT -> harmony, perceptr
//     -> frames of y: rms, zero-crossing rate
//
// Every per-frame feature is summarised by its mean and variance (numpy, ddof=0) over frames.
#include <complex>
#include <cstddef>
#include <string>
#include <vector>

#include "audio/mel.h"
#include "audio/stft.h"
#include "features/frame_stats.h"
#include "features/hpss.h"

namespace genrec {

struct FeatureOptions {
  int sample_rate = 22050;
  int n_fft = 2048;
  int hop_length = 512;
  int n_mels = 128;  // mel bands behind the MFCC and the onset envelope
  int n_mfcc = 20;
  int n_chroma = 12;
  int hpss_kernel = 31;  // librosa.decompose.hpss kernel_size (odd)
};

// One clip's row of the Kaggle CSV, without filename and label.
struct ClipFeatures {
  std::size_t length = 0;  // samples
  MeanVar chroma_stft, rms, spectral_centroid, spectral_bandwidth, rolloff, zero_crossing_rate,
      harmony, perceptr;
  double tempo = 0.0;
  std::vector<MeanVar> mfcc;  // n_mfcc entries

  // The numeric columns in Kaggle order: chroma_stft_mean, chroma_stft_var, ..., tempo,
  // mfcc1_mean, mfcc1_var, ... (everything between `length` and `label`).
  std::vector<double> values() const;
};

// Names of the numeric columns that ClipFeatures::values() returns, for n_mfcc coefficients.
std::vector<std::string> feature_value_columns(int n_mfcc);

// Configure once, compute many: owns the FFT plans, windows and filterbanks.
// Not thread-safe; use one per thread.
class FeatureExtractor {
 public:
  explicit FeatureExtractor(const FeatureOptions& options = {});
  const FeatureOptions& options() const { return options_; }

  // All features of y (n samples at options().sample_rate); throws genrec::Error when n == 0.
  ClipFeatures compute(const float* y, std::size_t n);

 private:
  FeatureOptions options_;
  Stft stft_;
  Hpss hpss_;
  MelFilterbank mel_;
  Dct dct_;
  std::vector<std::complex<float>> spec_;
  std::vector<float> mag_, power_, mel_db_, mfcc_;
  HpssSignals hpss_out_;
};

}  // namespace genrec
