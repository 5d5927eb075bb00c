#pragma once
// Mel filterbank, log-Mel extraction and MFCC, with librosa's definitions:
// filters.mel(htk=False, norm="slaney"), power_to_db(ref=1.0), feature.mfcc (DCT-II ortho).
// Mel/MFCC matrices are band-major, [n_bands][n_frames], like librosa's arrays.
#include <cstddef>
#include <vector>

#include "audio/feature_config.h"
#include "audio/stft.h"

namespace genrec {

// Slaney-scale conversions (librosa.hz_to_mel / mel_to_hz with htk=False).
double hz_to_mel(double hz);
double mel_to_hz(double mel);

// The n_mels + 2 band edges of filters.mel in Hz, evenly spaced in mel from fmin to fmax:
// band m rises from edge m, peaks at edge m + 1 and falls to zero at edge m + 2.
std::vector<double> mel_band_edges_hz(int n_mels, double fmin, double fmax);
// How many of the lowest bands end at or below hz (their filters see nothing above it).
int mel_bands_below(int n_mels, double fmin, double fmax, double hz);

// Sparse triangular filters: band m has weights[m] over bins [start[m], start[m]+size).
class MelFilterbank {
 public:
  MelFilterbank(int sample_rate, int n_fft, int n_mels, double fmin, double fmax);
  int n_mels() const { return static_cast<int>(start_.size()); }
  int n_bins() const { return n_bins_; }
  // Dense [n_mels][n_bins] matrix (for tests against librosa.filters.mel).
  std::vector<float> dense() const;
  // spec: frame-major [n_frames][n_bins]; out: band-major [n_mels][n_frames].
  void apply(const float* spec, std::size_t n_frames, float* out) const;

 private:
  int n_bins_;
  std::vector<int> start_;
  std::vector<std::vector<float>> weights_;
};

// In place: 10*log10(max(S, amin)), then floored at max - top_db (top_db <= 0: no floor).
void power_to_db(float* s, std::size_t n, double amin, double top_db);

// Configure once, compute many: owns the FFT plan, window and filterbank.
// Not thread-safe; use one per thread.
class LogMelExtractor {
 public:
  explicit LogMelExtractor(const FeatureConfig& config);
  const FeatureConfig& config() const { return config_; }
  std::size_t n_frames(std::size_t n_samples) const { return stft_.n_frames(n_samples); }

  // Power mel spectrogram of x, out resized to [n_mels][n_frames(n)].
  void mel_power(const float* x, std::size_t n, std::vector<float>& out);
  // Log-mel in dB, floored at top_db below the max of this call's input.
  void log_mel(const float* x, std::size_t n, std::vector<float>& out);

 private:
  FeatureConfig config_;
  Stft stft_;
  MelFilterbank mel_;
  std::vector<float> spec_;
};

// DCT-II with orthonormal scaling applied along the band axis, keeping n_mfcc rows:
// in [n_bands][n_frames] -> out [n_mfcc][n_frames] (scipy.fftpack.dct(type=2, norm="ortho")).
class Dct {
 public:
  Dct(int n_bands, int n_out);
  void apply(const float* in, std::size_t n_frames, std::vector<float>& out) const;

 private:
  int n_bands_;
  int n_out_;
  std::vector<double> basis_;  // [n_out][n_bands]
};

// librosa.feature.mfcc(y, sr, n_mfcc) with the mel settings of `config`, dB over the whole input.
std::vector<float> mfcc(const float* x, std::size_t n, const FeatureConfig& config, int n_mfcc);

}  // namespace genrec
