#pragma once
// Global tempo of librosa < 0.9: onset strength from the log-Mel spectrogram, autocorrelation
// tempogram over 8 s windows, mean over time, log-normal prior around 120 BPM, argmax.
#include <cstddef>
#include <vector>

namespace genrec {

// How onset_strength combines the mel bands of one frame.
enum class OnsetAggregate { kMean, kMedian };

// Onset strength of frames lag..n_frames-1 of a dB mel spectrogram [n_mels][n_frames]
// (n_frames - lag values): aggregate over bands of max(0, S[m][t] - S[m][t - lag]).
// ref: librosa.onset.onset_strength(S, lag=1, max_size=1, aggregate) before its centring;
// librosa.beat.beat_track uses aggregate=np.median.
std::vector<float> onset_differences(const float* mel_db, int n_mels, std::size_t n_frames,
                                     OnsetAggregate aggregate, int lag = 1);

// The centred envelope of a total_frames-frame spectrogram from all its onset_differences:
// lag + n_fft / (2 hop_length) leading zeros, trimmed to total_frames.
// ref: librosa.onset.onset_strength(center=True)
std::vector<float> onset_envelope(const std::vector<float>& differences, std::size_t total_frames,
                                  int n_fft, int hop_length, int lag = 1);

// Mean over frames of the autocorrelation tempogram [win_length lags]: each frame of the
// linear-ramp-padded envelope is Hann-windowed, autocorrelated and scaled to max |r| = 1.
// ref: np.mean(librosa.feature.tempogram(onset_envelope, win_length, center=True,
//      window="hann", norm=np.inf), axis=1)
std::vector<double> mean_tempogram(const float* onset_envelope, std::size_t n, int win_length);

struct TempoOptions {
  double start_bpm = 120.0;
  double std_bpm = 1.0;
  double ac_size_s = 8.0;  // autocorrelation window, seconds
  double max_tempo = 320.0;
};

// Tempo in BPM of an onset envelope with the given frame rate (sample_rate / hop_length).
// ref: librosa.beat.tempo(onset_envelope, sr, hop_length, start_bpm=120, std_bpm=1.0,
//      ac_size=8.0, max_tempo=320.0, aggregate=np.mean)
double tempo(const std::vector<float>& onset_envelope, int sample_rate, int hop_length,
             const TempoOptions& options = {});

}  // namespace genrec
