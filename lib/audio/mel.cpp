#include "audio/mel.h"

#include <algorithm>
#include <cmath>

#include "audio/error.h"

namespace genrec {
namespace {
// ref: librosa.core.convert.hz_to_mel (Slaney): linear below 1 kHz, logarithmic above.
constexpr double kFSp = 200.0 / 3.0;
constexpr double kMinLogHz = 1000.0;
constexpr double kMinLogMel = kMinLogHz / kFSp;
const double kLogStep = std::log(6.4) / 27.0;
}  // namespace

double hz_to_mel(double hz) {
  if (hz >= kMinLogHz) return kMinLogMel + std::log(hz / kMinLogHz) / kLogStep;
  return hz / kFSp;
}

double mel_to_hz(double mel) {
  if (mel >= kMinLogMel) return kMinLogHz * std::exp(kLogStep * (mel - kMinLogMel));
  return kFSp * mel;
}

std::vector<double> mel_band_edges_hz(int n_mels, double fmin, double fmax) {
  const double mmin = hz_to_mel(fmin), mmax = hz_to_mel(fmax);
  std::vector<double> pts(static_cast<std::size_t>(n_mels + 2));
  for (int i = 0; i < n_mels + 2; ++i) pts[i] = mel_to_hz(mmin + (mmax - mmin) * i / (n_mels + 1));
  return pts;
}

int mel_bands_below(int n_mels, double fmin, double fmax, double hz) {
  const std::vector<double> edges = mel_band_edges_hz(n_mels, fmin, fmax);
  int n = 0;
  while (n < n_mels && edges[static_cast<std::size_t>(n) + 2] <= hz) ++n;
  return n;
}

MelFilterbank::MelFilterbank(int sample_rate, int n_fft, int n_mels, double fmin, double fmax)
    : n_bins_(n_fft / 2 + 1) {
  // ref: librosa.filters.mel(htk=False, norm="slaney"): triangles between n_mels+2 points
  // evenly spaced in mel, each scaled by 2 / (upper_hz - lower_hz) to unit area.
  std::vector<double> fft_hz(static_cast<std::size_t>(n_bins_));
  for (int k = 0; k < n_bins_; ++k) fft_hz[k] = static_cast<double>(sample_rate) * k / n_fft;
  const std::vector<double> pts = mel_band_edges_hz(n_mels, fmin, fmax);
  start_.resize(static_cast<std::size_t>(n_mels));
  weights_.resize(static_cast<std::size_t>(n_mels));
  for (int m = 0; m < n_mels; ++m) {
    const double lo = pts[m], mid = pts[m + 1], hi = pts[m + 2];
    const double enorm = 2.0 / (hi - lo);
    std::vector<float> w(static_cast<std::size_t>(n_bins_));
    int first = -1, last = -1;
    for (int k = 0; k < n_bins_; ++k) {
      const double lower = (fft_hz[k] - lo) / (mid - lo);
      const double upper = (hi - fft_hz[k]) / (hi - mid);
      const double v = std::max(0.0, std::min(lower, upper));
      w[k] = static_cast<float>(v * enorm);
      if (w[k] != 0.0f) {
        if (first < 0) first = k;
        last = k;
      }
    }
    if (first < 0) first = last = 0;  // an empty band (too many mels for n_fft): all zeros
    start_[m] = first;
    weights_[m].assign(w.begin() + first, w.begin() + last + 1);
  }
}

std::vector<float> MelFilterbank::dense() const {
  std::vector<float> d(static_cast<std::size_t>(n_mels()) * n_bins_, 0.0f);
  for (int m = 0; m < n_mels(); ++m)
    std::copy(weights_[m].begin(), weights_[m].end(), d.begin() + m * n_bins_ + start_[m]);
  return d;
}

void MelFilterbank::apply(const float* spec, std::size_t n_frames, float* out) const {
  for (std::size_t t = 0; t < n_frames; ++t) {
    const float* s = spec + t * static_cast<std::size_t>(n_bins_);
    for (int m = 0; m < n_mels(); ++m) {
      const float* w = weights_[m].data();
      const float* x = s + start_[m];
      float acc = 0.0f;
      for (std::size_t k = 0; k < weights_[m].size(); ++k) acc += w[k] * x[k];
      out[static_cast<std::size_t>(m) * n_frames + t] = acc;
    }
  }
}

void power_to_db(float* s, std::size_t n, double amin, double top_db) {
  // ref: librosa.power_to_db(S, ref=1.0, amin, top_db), in float32 like librosa on float32 S.
  // 10*log10(v) = (10/ln 10)*ln(v): logf is markedly cheaper than log10 in double.
  constexpr float kTenOverLn10 = 4.342944819032518f;
  const float amin_f = static_cast<float>(amin);
  float peak = -INFINITY;
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = kTenOverLn10 * std::log(std::max(s[i], amin_f));
    peak = std::max(peak, s[i]);
  }
  if (top_db > 0) {
    const float floor_db = peak - static_cast<float>(top_db);
    for (std::size_t i = 0; i < n; ++i) s[i] = std::max(s[i], floor_db);
  }
}

LogMelExtractor::LogMelExtractor(const FeatureConfig& config)
    : config_(config),
      stft_(config.n_fft, config.hop_length),
      mel_(config.sample_rate, config.n_fft, config.n_mels, config.fmin, config.fmax_hz()) {
  config_.validate();
}

void LogMelExtractor::mel_power(const float* x, std::size_t n, std::vector<float>& out) {
  stft_.spectrogram(x, n, 2.0f, spec_);
  const std::size_t frames = stft_.n_frames(n);
  out.resize(frames * static_cast<std::size_t>(config_.n_mels));
  mel_.apply(spec_.data(), frames, out.data());
}

void LogMelExtractor::log_mel(const float* x, std::size_t n, std::vector<float>& out) {
  mel_power(x, n, out);
  power_to_db(out.data(), out.size(), config_.amin, config_.top_db);
}

Dct::Dct(int n_bands, int n_out) : n_bands_(n_bands), n_out_(n_out) {
  if (n_out < 1 || n_out > n_bands) throw Error("mfcc", "n_mfcc", "must be in [1, n_mels]");
  basis_.resize(static_cast<std::size_t>(n_out) * n_bands);
  // ref: scipy.fftpack.dct(type=2, norm="ortho")
  for (int k = 0; k < n_out; ++k) {
    const double scale = k == 0 ? std::sqrt(1.0 / n_bands) : std::sqrt(2.0 / n_bands);
    for (int i = 0; i < n_bands; ++i)
      basis_[static_cast<std::size_t>(k) * n_bands + i] =
          scale * std::cos(M_PI * k * (2.0 * i + 1.0) / (2.0 * n_bands));
  }
}

void Dct::apply(const float* in, std::size_t n_frames, std::vector<float>& out) const {
  out.assign(static_cast<std::size_t>(n_out_) * n_frames, 0.0f);
  std::vector<double> acc(n_frames);
  for (int k = 0; k < n_out_; ++k) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int i = 0; i < n_bands_; ++i) {
      const double b = basis_[static_cast<std::size_t>(k) * n_bands_ + i];
      const float* row = in + static_cast<std::size_t>(i) * n_frames;
      for (std::size_t t = 0; t < n_frames; ++t) acc[t] += b * row[t];
    }
    for (std::size_t t = 0; t < n_frames; ++t)
      out[static_cast<std::size_t>(k) * n_frames + t] = static_cast<float>(acc[t]);
  }
}

std::vector<float> mfcc(const float* x, std::size_t n, const FeatureConfig& config, int n_mfcc) {
  LogMelExtractor ex(config);
  std::vector<float> mel, out;
  ex.log_mel(x, n, mel);
  Dct(config.n_mels, n_mfcc).apply(mel.data(), ex.n_frames(n), out);
  return out;
}

}  // namespace genrec
