#pragma once
// Spectral shape features of librosa < 0.9, one value per frame. Each takes a magnitude
// spectrogram |STFT| in genrec's frame-major layout, [n_frames][n_bins], n_bins = n_fft/2+1.
#include <cstddef>
#include <vector>

namespace genrec {

// Centre of mass of each frame in Hz; a silent frame gives 0.
// ref: librosa.feature.spectral_centroid(S=|D|) (frequencies = fft_frequencies, norm=1 per frame)
std::vector<double> spectral_centroid(const float* mag, std::size_t n_frames, int n_bins,
                                      int sample_rate);

// p-th order spread around `centroid` (one value per frame) in Hz, on the normalised spectrum.
// ref: librosa.feature.spectral_bandwidth(S=|D|, centroid, norm=True, p=2)
std::vector<double> spectral_bandwidth(const float* mag, std::size_t n_frames, int n_bins,
                                       int sample_rate, const std::vector<double>& centroid,
                                       double p = 2.0);

// Lowest bin frequency whose cumulative magnitude reaches roll_percent of the frame's total.
// ref: librosa.feature.spectral_rolloff(S=|D|, roll_percent=0.85)
std::vector<double> spectral_rolloff(const float* mag, std::size_t n_frames, int n_bins,
                                     int sample_rate, double roll_percent = 0.85);

// Centre frequency of bin k: librosa.fft_frequencies = linspace(0, sr/2, n_bins).
double fft_frequency(int k, int n_bins, int sample_rate);

}  // namespace genrec
