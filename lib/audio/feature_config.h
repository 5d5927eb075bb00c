#pragma once
// Parameters of the front end: decode -> mono -> resample -> segments -> log-mel.
// Defaults are librosa's (and SPEC's); they travel inside every model file so a model
// always sees the features it was trained on.
#include <cstddef>
#include <string>

namespace genrec {

// Limits validate() enforces: the largest FFT and the most log-Mel cells (n_mels x frames) of
// one segment (the default is 128 x 130; the limit is 250 times that).
inline constexpr int kMaxNfft = 1 << 16;
inline constexpr double kMaxSegmentCells = 1 << 22;

struct FeatureConfig {
  int sample_rate = 22050;  // target rate after resampling (Hz)
  // Training caches only (TrainOptions::resample_rates): the decoded audio first goes down to
  // this rate and back to sample_rate through the resampler, as a song from a low-rate source
  // heard by predict (0: off). Not read from TOML files nor stored in model files.
  int via_rate = 0;
  double segment_seconds = 3.0;    // length of one CNN input
  double train_hop_seconds = 3.0;  // hop between training segments (< segment_seconds overlaps)
  int n_fft = 2048;
  int hop_length = 512;
  int n_mels = 128;
  double fmin = 0.0;
  double fmax = 11025.0;  // <= 0 means sample_rate / 2
  double top_db = 80.0;   // power_to_db floor below the segment max
  double amin = 1e-10;    // power_to_db clamp
  // How a clip shorter than one segment is filled up to a segment (the same for training and
  // prediction): "zero" (silence after the clip), "loop" (the clip repeated) or "reflect"
  // (mirrored back and forth at its ends, without repeating the end samples).
  std::string pad = "zero";

  std::size_t segment_samples() const;     // round(segment_seconds * sample_rate), 66150 by default
  std::size_t frames_per_segment() const;  // 1 + segment_samples / hop_length (center=True), 130
  double fmax_hz() const;
  // A stable text form of the fields but train_hop_seconds; equal configs give equal strings.
  // (The feature cache is keyed by data/cache_key.h, the fields its numbers depend on.)
  std::string key() const;
  // Throws genrec::Error("config", ...) when a value is out of range.
  void validate() const;
};

}  // namespace genrec
