#pragma once
// The hand-crafted features of the Kaggle GTZAN CSVs (features_30_sec.csv, features_3_sec.csv),
// computed as librosa < 0.9 computed them, for one clip or song of mono audio:
//
//   y -> STFT (n_fft 2048, hop 512, centred, reflect) -> |D|: centroid, bandwidth, rolloff
//                                                     -> |D|^2: chroma (tuning from piptrack)
//                                                     -> mel power -> dB: MFCC, onset -> tempo
//                                                     -> D: HPSS -> ISTFT: harmony, perceptr
//     -> frames of y: rms, zero-crossing rate
//
// Every per-frame feature is summarised by its mean and variance (numpy, ddof=0) over frames.
// Streaming: the input is read twice, block by block. The first pass finds what librosa takes
// over the whole clip (length, the dB ceiling of the mel spectrogram, the chroma tuning); the
// second computes every feature block by block with running statistics. Memory is a few blocks
// of spectrogram plus a few bytes per frame (piptrack peaks, onset envelope), never the whole
// song's spectrogram or samples.
#include <complex>
#include <cstddef>
#include <string>
#include <vector>

#include "audio/mel.h"
#include "audio/stft.h"
#include "features/frame_stats.h"
#include "features/hpss.h"
#include "features/istft.h"
#include "features/sample_window.h"

namespace genrec {

struct FeatureOptions {
  int sample_rate = 22050;
  int n_fft = 2048;      // also rms and zero-crossing frame_length
  int hop_length = 512;  // all features
  int n_mels = 128;      // mel bands behind the MFCC and the onset envelope
  int n_mfcc = 20;
  int n_chroma = 12;
  int hpss_kernel = 31;  // librosa.decompose.hpss kernel_size (odd)
  std::size_t block_frames =
      512;  // frames per streaming block (~12 s); results do not depend on it
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

// Configure once, compute many: owns the FFT plans, windows, filterbanks and block buffers.
// Not thread-safe; use one per thread.
class FeatureExtractor {
 public:
  explicit FeatureExtractor(const FeatureOptions& options = {});
  const FeatureOptions& options() const { return options_; }

  // Features of y (n samples at options().sample_rate). Throws genrec::Error when n == 0.
  ClipFeatures compute(const float* y, std::size_t n);
  // Features of a stream at options().sample_rate, which `open` must be able to start twice.
  // Throws genrec::Error when it holds no samples (or what the reader throws).
  ClipFeatures compute(const SampleOpener& open);

 private:
  struct Globals {
    std::size_t n_samples = 0;
    std::size_t n_frames = 0;
    double tuning = 0.0;
    float mel_floor_db = 0.0f;
  };
  Globals scan(SampleReader reader);
  ClipFeatures measure(SampleReader reader, const Globals& g);
  // STFT of frames [f0, f1) of the centred stream; returns frame f0 (frame-major, in spec_).
  // padded_ then holds the centred signal from frame f0's first sample (offset padded_at_f0_).
  const std::complex<float>* stft_frames(const SampleWindow& window, std::size_t f0,
                                         std::size_t f1);
  void fill_for(SampleWindow& window, std::size_t f1);
  void drop_before_frame(SampleWindow& window, std::size_t f);

  FeatureOptions options_;
  std::size_t half_;  // n_fft / 2, the centring pad
  std::size_t lead_;  // frames computed before f0 so that padding lines up (ceil(half / hop))
  Stft stft_;
  Istft istft_;
  Hpss hpss_;
  MelFilterbank mel_;
  Dct dct_;
  std::vector<std::complex<float>> spec_, harmonic_, percussive_;
  std::vector<float> padded_, edge_, mag_, power_, mel_db_, mfcc_, chroma_, signal_;
  std::size_t padded_at_f0_ = 0;
};

}  // namespace genrec
