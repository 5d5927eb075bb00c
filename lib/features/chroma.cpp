#include "features/chroma.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "audio/error.h"

namespace genrec {
namespace {
constexpr float kTinyF32 = std::numeric_limits<float>::min();

// librosa.hz_to_octs(f, tuning, bins_per_octave): octaves above A0 (27.5 Hz at tuning 0).
double hz_to_octs(double hz, double tuning, int bins_per_octave) {
  const double a440 = 440.0 * std::pow(2.0, tuning / bins_per_octave);
  return std::log2(hz / (a440 / 16.0));
}
}  // namespace

std::vector<float> chroma_filters(int sample_rate, int n_fft, double tuning, int n_chroma,
                                  double ctroct, double octwidth) {
  if (n_fft < 2 || n_chroma < 1 || sample_rate <= 0)
    throw Error("chroma", "filters", "needs n_fft >= 2, n_chroma >= 1, sample_rate > 0");
  // ref: librosa.filters.chroma. Bins of the full (two-sided) FFT except DC, in chroma units;
  // DC is placed 1.5 octaves below bin 1.
  std::vector<double> frqbins(static_cast<std::size_t>(n_fft));
  for (int k = 1; k < n_fft; ++k)
    frqbins[k] =
        n_chroma * hz_to_octs(static_cast<double>(sample_rate) / n_fft * k, tuning, n_chroma);
  frqbins[0] = frqbins[1] - 1.5 * n_chroma;
  std::vector<double> binwidth(static_cast<std::size_t>(n_fft), 1.0);
  for (int k = 0; k + 1 < n_fft; ++k) binwidth[k] = std::max(frqbins[k + 1] - frqbins[k], 1.0);

  const double half = std::round(n_chroma / 2.0);
  std::vector<double> wts(static_cast<std::size_t>(n_chroma) * n_fft);
  for (int k = 0; k < n_fft; ++k) {
    double norm2 = 0.0;
    for (int c = 0; c < n_chroma; ++c) {
      // Distance to chroma c, wrapped into [-n_chroma/2, n_chroma/2) (np.remainder).
      double d = std::fmod(frqbins[k] - c + half + 10.0 * n_chroma, n_chroma);
      if (d < 0) d += n_chroma;
      d -= half;
      const double z = 2.0 * d / binwidth[k];
      const double w = std::exp(-0.5 * z * z);
      wts[static_cast<std::size_t>(c) * n_fft + k] = w;
      norm2 += w * w;
    }
    // util.normalize(norm=2, axis=0), then the Gaussian octave weighting around ctroct.
    const double len = std::sqrt(norm2);
    const double scale = len < std::numeric_limits<double>::min() ? 1.0 : 1.0 / len;
    const double oct = (frqbins[k] / n_chroma - ctroct) / octwidth;
    const double octave_weight = std::exp(-0.5 * oct * oct);
    for (int c = 0; c < n_chroma; ++c)
      wts[static_cast<std::size_t>(c) * n_fft + k] *= scale * octave_weight;
  }
  // base_c: np.roll(wts, -3 * (n_chroma // 12), axis=0) so that row 0 is C; keep n_fft/2+1 bins.
  const int n_bins = n_fft / 2 + 1;
  const int shift = 3 * (n_chroma / 12);
  std::vector<float> out(static_cast<std::size_t>(n_chroma) * n_bins);
  for (int c = 0; c < n_chroma; ++c) {
    const int src = (c + shift) % n_chroma;
    for (int k = 0; k < n_bins; ++k)
      out[static_cast<std::size_t>(c) * n_bins + k] =
          static_cast<float>(wts[static_cast<std::size_t>(src) * n_fft + k]);
  }
  return out;
}

std::vector<PitchPeak> piptrack(const float* S, std::size_t n_frames, int n_bins, int sample_rate,
                                double fmin, double fmax, double threshold) {
  if (n_bins < 3) throw Error("piptrack", "spectrogram", "needs >= 3 bins");
  const int n_fft = 2 * (n_bins - 1);
  fmin = std::max(fmin, 0.0);
  fmax = std::min(fmax, sample_rate / 2.0);
  std::vector<PitchPeak> peaks;
  std::vector<float> thresholded(static_cast<std::size_t>(n_bins));
  const float ref_scale = static_cast<float>(threshold);
  for (std::size_t t = 0; t < n_frames; ++t) {
    const float* s = S + t * static_cast<std::size_t>(n_bins);
    // ref: librosa.piptrack: ref_value = threshold * max(S) per frame; local maxima of
    // S * (S > ref_value), x[i] > x[i-1] and x[i] >= x[i+1] with edge padding
    // (librosa.util.localmax).
    float peak = 0.0f;
    for (int k = 0; k < n_bins; ++k) peak = std::max(peak, std::abs(s[k]));
    const float ref_value = ref_scale * peak;
    for (int k = 0; k < n_bins; ++k) {
      const float v = std::abs(s[k]);
      thresholded[k] = v > ref_value ? v : 0.0f;
    }
    // Bins 0 and n_bins-1 lie outside [fmin, fmax) for any sensible range; the parabolic
    // shift is defined for interior bins only (librosa pads it with zeros).
    for (int k = 1; k + 1 < n_bins; ++k) {
      const double hz = static_cast<double>(sample_rate) * k / n_fft;
      if (!(fmin <= hz && hz < fmax)) continue;
      const float x = thresholded[k];
      if (!(x > thresholded[k - 1] && x >= thresholded[k + 1])) continue;
      // Parabolic interpolation in float32, as numpy evaluates it on float32 arrays.
      const float lo = std::abs(s[k - 1]), mid = std::abs(s[k]), hi = std::abs(s[k + 1]);
      const float avg = 0.5f * (hi - lo);
      float shift = 2.0f * mid - hi - lo;
      shift = avg / (shift + (std::abs(shift) < kTinyF32 ? 1.0f : 0.0f));
      const float dskew = 0.5f * avg * shift;
      PitchPeak p;
      p.frame = t;
      p.bin = k;
      p.pitch_hz = static_cast<float>((k + static_cast<double>(shift)) *
                                      static_cast<double>(sample_rate) / n_fft);
      p.magnitude = mid + dskew;
      peaks.push_back(p);
    }
  }
  return peaks;
}

double pitch_tuning(const std::vector<float>& frequencies, double resolution, int bins_per_octave) {
  if (!(resolution > 0.0 && resolution < 1.0))
    throw Error("tuning", "resolution", "must be in (0, 1)");
  // ref: librosa.pitch_tuning: residual = mod(bins_per_octave * hz_to_octs(f), 1) in float32
  // (the pitches are float32), folded into [-0.5, 0.5); histogram over
  // np.linspace(-0.5, 0.5, ceil(1/resolution) + 1); the left edge of the fullest bin.
  const int n_hist = static_cast<int>(std::ceil(1.0 / resolution));
  std::vector<double> edges(static_cast<std::size_t>(n_hist) + 1);
  const double step = 1.0 / n_hist;
  for (int i = 0; i <= n_hist; ++i) edges[i] = i * step + -0.5;
  edges[n_hist] = 0.5;
  std::vector<long> counts(static_cast<std::size_t>(n_hist), 0);
  bool any = false;
  for (float f : frequencies) {
    if (!(f > 0.0f)) continue;
    any = true;
    const float octs = std::log2(f / 27.5f);
    float r = std::fmod(static_cast<float>(bins_per_octave) * octs, 1.0f);
    if (r < 0.0f) r += 1.0f;
    if (r >= 0.5f) r -= 1.0f;
    // np.histogram: bin i holds edges[i] <= r < edges[i+1], the last bin also r == 0.5.
    const double v = r;
    if (v < edges[0] || v > edges[n_hist]) continue;
    int i = static_cast<int>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin()) - 1;
    if (i >= n_hist) i = n_hist - 1;
    ++counts[i];
  }
  if (!any) return 0.0;
  const auto best = std::max_element(counts.begin(), counts.end()) - counts.begin();
  return edges[static_cast<std::size_t>(best)];
}

double estimate_tuning(const std::vector<float>& pitches, const std::vector<float>& magnitudes,
                       int bins_per_octave) {
  if (pitches.size() != magnitudes.size())
    throw Error("tuning", "peaks", "pitches and magnitudes differ in length");
  // ref: librosa.estimate_tuning: keep peaks (pitch > 0) whose magnitude reaches the median
  // peak magnitude.
  std::vector<float> peak_mags;
  for (std::size_t i = 0; i < pitches.size(); ++i)
    if (pitches[i] > 0.0f) peak_mags.push_back(magnitudes[i]);
  float median = 0.0f;
  if (!peak_mags.empty()) {
    const std::size_t m = peak_mags.size();
    std::nth_element(peak_mags.begin(), peak_mags.begin() + m / 2, peak_mags.end());
    median = peak_mags[m / 2];
    if (m % 2 == 0) {
      // np.median of an even count: the float32 mean of the two middle values.
      const float lower = *std::max_element(peak_mags.begin(), peak_mags.begin() + m / 2);
      median = (lower + median) / 2.0f;
    }
  }
  std::vector<float> selected;
  for (std::size_t i = 0; i < pitches.size(); ++i)
    if (pitches[i] > 0.0f && magnitudes[i] >= median) selected.push_back(pitches[i]);
  return pitch_tuning(selected, 0.01, bins_per_octave);
}

ChromaFilter::ChromaFilter(int sample_rate, int n_fft, double tuning, int n_chroma)
    : n_chroma_(n_chroma),
      n_bins_(n_fft / 2 + 1),
      filters_(chroma_filters(sample_rate, n_fft, tuning, n_chroma)) {}

void ChromaFilter::apply(const float* power, std::size_t n_frames, std::vector<float>& out) const {
  out.resize(static_cast<std::size_t>(n_chroma_) * n_frames);
  for (std::size_t t = 0; t < n_frames; ++t) {
    const float* s = power + t * static_cast<std::size_t>(n_bins_);
    float peak = 0.0f;
    for (int c = 0; c < n_chroma_; ++c) {
      const float* w = filters_.data() + static_cast<std::size_t>(c) * n_bins_;
      double acc = 0.0;
      for (int k = 0; k < n_bins_; ++k) acc += static_cast<double>(w[k]) * s[k];
      const float v = static_cast<float>(acc);
      out[static_cast<std::size_t>(c) * n_frames + t] = v;
      peak = std::max(peak, std::abs(v));
    }
    // util.normalize(norm=inf, axis=0): a frame whose max is below float32 tiny stays as is.
    if (peak < kTinyF32) continue;
    for (int c = 0; c < n_chroma_; ++c) out[static_cast<std::size_t>(c) * n_frames + t] /= peak;
  }
}

std::vector<float> chroma_stft(const float* power, std::size_t n_frames, int n_bins,
                               int sample_rate, int n_chroma) {
  std::vector<float> pitches, magnitudes;
  for (const PitchPeak& p : piptrack(power, n_frames, n_bins, sample_rate)) {
    pitches.push_back(p.pitch_hz);
    magnitudes.push_back(p.magnitude);
  }
  const double tuning = estimate_tuning(pitches, magnitudes, n_chroma);
  std::vector<float> chroma;
  ChromaFilter(sample_rate, 2 * (n_bins - 1), tuning, n_chroma).apply(power, n_frames, chroma);
  return chroma;
}

}  // namespace genrec
