#pragma once
// Chromagram of librosa < 0.9 from a power spectrogram, including librosa's tuning estimate
// (parabolic-interpolated spectral peaks, histogram of their deviation from equal temperament).
// Spectrograms are frame-major [n_frames][n_bins]; the chromagram is [n_chroma][n_frames].
#include <cstddef>
#include <vector>

namespace genrec {

// Chroma filterbank, [n_chroma][n_fft/2+1] float32, columns L2-normalised, octave-weighted,
// rows starting at C. ref: librosa.filters.chroma(sr, n_fft, n_chroma, tuning, ctroct=5.0,
// octwidth=2, norm=2, base_c=True)
std::vector<float> chroma_filters(int sample_rate, int n_fft, double tuning, int n_chroma = 12,
                                  double ctroct = 5.0, double octwidth = 2.0);

// One spectral peak found by piptrack.
struct PitchPeak {
  std::size_t frame = 0;
  int bin = 0;
  float pitch_hz = 0.0f;   // parabolic-interpolated frequency
  float magnitude = 0.0f;  // interpolated height
};

// Peaks of each frame of S (a non-negative spectrogram) within [fmin, fmax): the non-zero
// entries of librosa's dense (pitches, magnitudes) arrays, in frame order.
// ref: librosa.piptrack(S, sr, n_fft, fmin=150, fmax=4000, threshold=0.1)
std::vector<PitchPeak> piptrack(const float* S, std::size_t n_frames, int n_bins, int sample_rate,
                                double fmin = 150.0, double fmax = 4000.0, double threshold = 0.1);

// Tuning offset in fractions of a bin, in [-0.5, 0.5): the peak of the histogram of the
// frequencies' deviation from the nearest bin. ref: librosa.pitch_tuning(resolution=0.01)
double pitch_tuning(const std::vector<float>& frequencies, double resolution = 0.01,
                    int bins_per_octave = 12);

// Tuning from the piptrack peaks of a whole spectrogram, given as parallel lists of their
// pitches and magnitudes: pitch_tuning of the peaks whose magnitude reaches the median peak
// magnitude. ref: librosa.estimate_tuning(S=S, sr)
double estimate_tuning(const std::vector<float>& pitches, const std::vector<float>& magnitudes,
                       int bins_per_octave = 12);

// Configure once (filterbank for one tuning), apply to any number of frames.
class ChromaFilter {
 public:
  ChromaFilter(int sample_rate, int n_fft, double tuning, int n_chroma = 12);
  int n_chroma() const { return n_chroma_; }
  // Chroma [n_chroma][n_frames] of a power spectrogram [n_frames][n_fft/2+1], each frame
  // divided by its maximum (util.normalize(norm=inf); an all-zero frame stays zero).
  void apply(const float* power, std::size_t n_frames, std::vector<float>& out) const;

 private:
  int n_chroma_;
  int n_bins_;
  std::vector<float> filters_;
};

// Chromagram [n_chroma][n_frames] of a whole power spectrogram, tuning estimated from it.
// ref: librosa.feature.chroma_stft(S=|D|^2, sr, norm=inf, tuning=None, n_chroma=12)
std::vector<float> chroma_stft(const float* power, std::size_t n_frames, int n_bins,
                               int sample_rate, int n_chroma = 12);

}  // namespace genrec
