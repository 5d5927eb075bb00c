#include "features/tempo.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "audio/error.h"
#include "audio/stft.h"

namespace genrec {

std::vector<float> onset_differences(const float* mel_db, int n_mels, std::size_t n_frames,
                                     OnsetAggregate aggregate, int lag) {
  if (n_mels < 1 || lag < 1) throw Error("onset", "onset_strength", "needs n_mels and lag >= 1");
  const std::size_t l = static_cast<std::size_t>(lag);
  std::vector<float> out(n_frames > l ? n_frames - l : 0);
  std::vector<float> d(static_cast<std::size_t>(n_mels));
  const std::size_t mid = d.size() / 2;
  for (std::size_t t = l; t < n_frames; ++t) {
    // ref: librosa.onset.onset_strength_multi: max(0, S[:, lag:] - S[:, :-lag]), then
    // util.sync(aggregate) over all bands.
    for (int m = 0; m < n_mels; ++m) {
      const float* row = mel_db + static_cast<std::size_t>(m) * n_frames;
      d[m] = std::max(0.0f, row[t] - row[t - l]);
    }
    if (aggregate == OnsetAggregate::kMean) {
      double acc = 0.0;
      for (float v : d) acc += v;
      out[t - l] = static_cast<float>(acc / n_mels);
    } else {
      // np.median: the middle value, or the float32 mean of the two middle values.
      std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(mid), d.end());
      float median = d[mid];
      if (d.size() % 2 == 0)
        median =
            (*std::max_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(mid)) + median) /
            2.0f;
      out[t - l] = median;
    }
  }
  return out;
}

std::vector<float> onset_envelope(const std::vector<float>& differences, std::size_t total_frames,
                                  int n_fft, int hop_length, int lag) {
  if (hop_length < 1 || lag < 1) throw Error("onset", "onset_strength", "bad hop or lag");
  // ref: librosa.onset.onset_strength_multi(center=True): pad lag + n_fft // (2 * hop_length)
  // zeros on the left to undo the framing delay, then trim to the spectrogram's length.
  const std::size_t pad = static_cast<std::size_t>(lag + n_fft / (2 * hop_length));
  std::vector<float> env(total_frames, 0.0f);
  for (std::size_t i = 0; i < differences.size() && pad + i < total_frames; ++i)
    env[pad + i] = differences[i];
  return env;
}

std::vector<double> mean_tempogram(const float* onset_envelope, std::size_t n, int win_length) {
  if (win_length < 2) throw Error("tempo", "win_length", "must be >= 2");
  const std::size_t win = static_cast<std::size_t>(win_length);
  std::vector<double> mean(win, 0.0);
  if (n == 0) return mean;
  // ref: librosa.feature.tempogram: np.pad(env, win_length // 2, mode="linear_ramp",
  // end_values=0) (float32, like the envelope), frames of win_length at hop 1, the first n.
  const std::size_t half = win / 2;
  std::vector<float> padded(n + 2 * half);
  const double first = onset_envelope[0], last = onset_envelope[n - 1];
  for (std::size_t i = 0; i < half; ++i) {
    padded[i] = static_cast<float>(i * (first / half));
    padded[n + 2 * half - 1 - i] = static_cast<float>(i * (last / half));
  }
  std::copy(onset_envelope, onset_envelope + n, padded.begin() + static_cast<std::ptrdiff_t>(half));

  const std::vector<float> window = hann_window(win_length);  // get_window("hann", fftbins=True)
  std::vector<double> x(win), r(win);
  for (std::size_t t = 0; t < n; ++t) {
    for (std::size_t i = 0; i < win; ++i) x[i] = static_cast<double>(padded[t + i]) * window[i];
    // librosa.autocorrelate: r[k] = sum_i x[i] x[i+k] (computed there through an FFT).
    double peak = 0.0;
    for (std::size_t k = 0; k < win; ++k) {
      double acc = 0.0;
      for (std::size_t i = 0; i + k < win; ++i) acc += x[i] * x[i + k];
      r[k] = acc;
      peak = std::max(peak, std::abs(acc));
    }
    // util.normalize(norm=inf, axis=0): an all-zero frame stays zero.
    const double scale = peak < std::numeric_limits<double>::min() ? 1.0 : peak;
    for (std::size_t k = 0; k < win; ++k) mean[k] += r[k] / scale;
  }
  for (double& m : mean) m /= static_cast<double>(n);
  return mean;
}

double tempo(const std::vector<float>& onset_envelope, int sample_rate, int hop_length,
             const TempoOptions& o) {
  if (o.start_bpm <= 0) throw Error("tempo", "start_bpm", "must be strictly positive");
  // ref: librosa.beat.tempo: win_length = time_to_frames(ac_size) = floor(int(ac_size * sr) / hop)
  const long long ac_samples = static_cast<long long>(o.ac_size_s * sample_rate);
  const int win_length = static_cast<int>(ac_samples / hop_length);
  const std::vector<double> tg =
      mean_tempogram(onset_envelope.data(), onset_envelope.size(), win_length);
  // librosa.tempo_frequencies: bpm[k] = 60 sr / (hop k), bpm[0] = inf. The prior is a
  // log-normal bump around start_bpm, zero for lags faster than max_tempo.
  const double frame_rate_bpm = 60.0 * sample_rate / hop_length;
  std::size_t first_allowed = 0;
  if (o.max_tempo > 0) {
    while (first_allowed < tg.size() &&
           !(first_allowed > 0 && frame_rate_bpm / first_allowed < o.max_tempo))
      ++first_allowed;
    if (first_allowed == tg.size()) first_allowed = 0;  // np.argmax of all-False is 0
  }
  std::size_t best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < tg.size(); ++k) {
    double prior = 0.0;
    if (k > 0 && k >= first_allowed) {
      const double z = (std::log2(frame_rate_bpm / k) - std::log2(o.start_bpm)) / o.std_bpm;
      prior = std::exp(-0.5 * z * z);
    }
    const double score = tg[k] * prior;
    if (score > best_score) {
      best_score = score;
      best = k;
    }
  }
  // Where the best lag is 0 (no periodicity), librosa returns start_bpm.
  return best == 0 ? o.start_bpm : frame_rate_bpm / static_cast<double>(best);
}

}  // namespace genrec
