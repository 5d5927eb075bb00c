#include "features/extractor.h"

#include <algorithm>
#include <cmath>

#include "audio/error.h"
#include "features/chroma.h"
#include "features/magnitude.h"
#include "features/rms_zcr.h"
#include "features/spectral.h"
#include "features/tempo.h"

namespace genrec {
namespace {
// librosa's power_to_db defaults, used by both feature.mfcc and onset.onset_strength.
constexpr double kAmin = 1e-10;
constexpr double kTopDb = 80.0;
}  // namespace

std::vector<double> ClipFeatures::values() const {
  std::vector<double> v;
  for (const MeanVar* s : {&chroma_stft, &rms, &spectral_centroid, &spectral_bandwidth, &rolloff,
                           &zero_crossing_rate, &harmony, &perceptr}) {
    v.push_back(s->mean);
    v.push_back(s->var);
  }
  v.push_back(tempo);
  for (const MeanVar& m : mfcc) {
    v.push_back(m.mean);
    v.push_back(m.var);
  }
  return v;
}

std::vector<std::string> feature_value_columns(int n_mfcc) {
  std::vector<std::string> names;
  for (const char* f : {"chroma_stft", "rms", "spectral_centroid", "spectral_bandwidth", "rolloff",
                        "zero_crossing_rate", "harmony", "perceptr"}) {
    names.push_back(std::string(f) + "_mean");
    names.push_back(std::string(f) + "_var");
  }
  names.push_back("tempo");
  for (int k = 1; k <= n_mfcc; ++k) {
    names.push_back("mfcc" + std::to_string(k) + "_mean");
    names.push_back("mfcc" + std::to_string(k) + "_var");
  }
  return names;
}

FeatureExtractor::FeatureExtractor(const FeatureOptions& o)
    : options_(o),
      half_(static_cast<std::size_t>(o.n_fft / 2)),
      lead_((static_cast<std::size_t>(o.n_fft / 2) + static_cast<std::size_t>(o.hop_length) - 1) /
            static_cast<std::size_t>(o.hop_length)),
      stft_(o.n_fft, o.hop_length),
      istft_(o.n_fft, o.hop_length),
      hpss_(o.n_fft, o.hpss_kernel),
      // librosa.feature.melspectrogram as feature.mfcc calls it: fmin 0, fmax sr / 2.
      // onset_strength passes fmax=11025, the same band edge at the default 22050 Hz.
      mel_(o.sample_rate, o.n_fft, o.n_mels, 0.0, o.sample_rate / 2.0),
      dct_(o.n_mels, o.n_mfcc) {
  if (o.sample_rate <= 0 || o.n_fft < 4 || o.n_fft % 2 != 0 || o.hop_length < 1 ||
      o.block_frames < 1)
    throw Error("features", "options",
                "needs sample_rate > 0, even n_fft >= 4, hop_length >= 1, block_frames >= 1");
}

ClipFeatures FeatureExtractor::compute(const float* y, std::size_t n) {
  if (n == 0) throw Error("features", "input", "no audio samples");
  return compute(memory_opener(y, n));
}

ClipFeatures FeatureExtractor::compute(const SampleOpener& open) {
  const Globals g = scan(open());
  return measure(open(), g);
}

void FeatureExtractor::fill_for(SampleWindow& window, std::size_t f1) {
  // Frame f1 - 1 ends at sample (f1 - 1) * hop + half; the start's reflection needs the first
  // lead_ * hop samples.
  const std::size_t hop = static_cast<std::size_t>(options_.hop_length);
  window.fill_to(std::max(f1 * hop + half_ + 1, lead_ * hop + half_ + 1));
}

void FeatureExtractor::drop_before_frame(SampleWindow& window, std::size_t f) {
  // Keep an extra n_fft of samples: the end's reflection looks up to n_fft/2 + 1 samples back.
  const std::size_t hop = static_cast<std::size_t>(options_.hop_length);
  const std::size_t keep_from = f > lead_ ? (f - lead_) * hop : 0;
  const std::size_t margin = static_cast<std::size_t>(options_.n_fft) + hop;
  if (keep_from > margin) window.drop_before(keep_from - margin);
}

const std::complex<float>* FeatureExtractor::stft_frames(const SampleWindow& window, std::size_t f0,
                                                         std::size_t f1) {
  // Stft pads its input by reflection itself, so it is handed the centred stream from lead_
  // frames before f0: its frame lead_ + (t - f0) is then exactly frame t, never touching its
  // own padding. P[p] = y[reflect(p - half)] is numpy.pad(y, n_fft // 2, "reflect").
  const long long hop = options_.hop_length;
  const long long s = (static_cast<long long>(f0) - static_cast<long long>(lead_)) * hop +
                      static_cast<long long>(half_);
  const long long e = (static_cast<long long>(f1) - 1) * hop + options_.n_fft;
  padded_.resize(static_cast<std::size_t>(e - s));
  window.reflect_padded(s, e, half_, padded_.data());
  padded_at_f0_ = lead_ * static_cast<std::size_t>(hop) - half_;
  stft_.complex(padded_.data(), padded_.size(), spec_);
  return spec_.data() + lead_ * static_cast<std::size_t>(stft_.n_bins());
}

FeatureExtractor::Globals FeatureExtractor::scan(SampleReader reader) {
  const FeatureOptions& o = options_;
  const std::size_t nb = static_cast<std::size_t>(stft_.n_bins());
  SampleWindow window(std::move(reader));
  Globals g;
  std::vector<float> pitches, magnitudes;
  float mel_peak = 0.0f;
  std::size_t total = 0;  // frames, once the end is known
  for (std::size_t t0 = 0;;) {
    std::size_t t1 = t0 + o.block_frames;
    fill_for(window, t1);
    if (window.ended()) {
      if (window.read_count() == 0) throw Error("features", "input", "no audio samples");
      total = stft_.n_frames(window.read_count());
      t1 = std::min(t1, total);
    }
    if (t0 >= t1) break;
    const std::size_t frames = t1 - t0;
    const std::complex<float>* D = stft_frames(window, t0, t1);
    power_.resize(frames * nb);
    for (std::size_t i = 0; i < frames * nb; ++i) {
      const float m = magnitude(D[i]);
      power_[i] = m * m;
    }
    // ref: librosa.feature.chroma_stft -> estimate_tuning(S=power) -> piptrack over all frames.
    for (const PitchPeak& p :
         piptrack(power_.data(), frames, static_cast<int>(nb), o.sample_rate)) {
      pitches.push_back(p.pitch_hz);
      magnitudes.push_back(p.magnitude);
    }
    mel_db_.resize(frames * static_cast<std::size_t>(o.n_mels));
    mel_.apply(power_.data(), frames, mel_db_.data());
    for (float v : mel_db_) mel_peak = std::max(mel_peak, v);
    drop_before_frame(window, t1);
    t0 = t1;
  }
  g.n_samples = window.read_count();
  g.n_frames = total;
  g.tuning = estimate_tuning(pitches, magnitudes, o.n_chroma);
  // power_to_db(top_db=80) floors at (max dB over the whole clip) - 80; dB is monotonic in
  // power, so the max dB is the dB of the max power.
  float peak_db = mel_peak;
  power_to_db(&peak_db, 1, kAmin, /*top_db=*/0.0);
  g.mel_floor_db = peak_db - static_cast<float>(kTopDb);
  return g;
}

ClipFeatures FeatureExtractor::measure(SampleReader reader, const Globals& g) {
  const FeatureOptions& o = options_;
  const int sr = o.sample_rate;
  const int n_bins = stft_.n_bins();
  const std::size_t nb = static_cast<std::size_t>(n_bins);
  const std::size_t hop = static_cast<std::size_t>(o.hop_length);
  const std::size_t T = g.n_frames;
  const std::size_t n_mels = static_cast<std::size_t>(o.n_mels);
  const std::size_t hpss_length = istft_.length(T);  // <= n; librosa zero-pads the rest
  const ChromaFilter chroma_filter(sr, o.n_fft, g.tuning, o.n_chroma);

  RunningMeanVar chroma, rms_acc, centroid, bandwidth, rolloff, zcr, harmony, perceptr;
  std::vector<RunningMeanVar> mfcc(static_cast<std::size_t>(o.n_mfcc));
  std::vector<float> onset;  // onset_differences of frames 1..T-1
  SampleWindow window(std::move(reader));

  for (std::size_t t0 = 0; t0 < T; t0 += o.block_frames) {
    const std::size_t t1 = std::min(T, t0 + o.block_frames);
    const std::size_t frames = t1 - t0;
    // This block owns HPSS output samples [s0, s1); they need the masked frames [m0, m1), which
    // need |D| up to context_frames() beyond; the onset needs the frame before t0.
    const std::size_t s0 = std::min(t0 * hop, hpss_length), s1 = std::min(t1 * hop, hpss_length);
    std::size_t m0 = 0, m1 = 0;
    istft_.frames_for(s0, s1, T, m0, m1);
    const std::size_t ctx = hpss_.context_frames();
    const std::size_t a = t0 > 0 ? t0 - 1 : 0;  // first frame of the mel block
    const std::size_t f0 = std::min(a, m0 > ctx ? m0 - ctx : 0);
    const std::size_t f1 = std::min(T, std::max(t1, m1 + ctx));
    fill_for(window, f1);
    const std::complex<float>* D = stft_frames(window, f0, f1);
    const std::complex<float>* own = D + (t0 - f0) * nb;

    // Spectral shape on |D|, chroma on |D|^2 (frames [t0, t1)); mel on |D|^2 of [a, t1).
    mag_.resize(frames * nb);
    for (std::size_t i = 0; i < frames * nb; ++i) mag_[i] = magnitude(own[i]);
    const std::vector<double> c = spectral_centroid(mag_.data(), frames, n_bins, sr);
    centroid.add(c.data(), c.size());
    const std::vector<double> bw = spectral_bandwidth(mag_.data(), frames, n_bins, sr, c);
    bandwidth.add(bw.data(), bw.size());
    const std::vector<double> ro = spectral_rolloff(mag_.data(), frames, n_bins, sr);
    rolloff.add(ro.data(), ro.size());

    const std::size_t mel_frames = t1 - a;
    power_.resize(mel_frames * nb);
    const std::complex<float>* from_a = D + (a - f0) * nb;
    for (std::size_t i = 0; i < mel_frames * nb; ++i) {
      const float m = magnitude(from_a[i]);
      power_[i] = m * m;
    }
    const float* own_power = power_.data() + (t0 - a) * nb;
    chroma_filter.apply(own_power, frames, chroma_);
    chroma.add(chroma_.data(), chroma_.size());

    // ref: librosa.feature.mfcc: power_to_db(melspectrogram, top_db=80) with the clip's max,
    // DCT-II ortho; the same dB mel feeds the onset envelope.
    mel_db_.resize(mel_frames * n_mels);
    mel_.apply(power_.data(), mel_frames, mel_db_.data());
    power_to_db(mel_db_.data(), mel_db_.size(), kAmin, /*top_db=*/0.0);
    for (float& v : mel_db_) v = std::max(v, g.mel_floor_db);
    dct_.apply(mel_db_.data(), mel_frames, mfcc_);
    for (std::size_t k = 0; k < mfcc.size(); ++k)
      mfcc[k].add(mfcc_.data() + k * mel_frames + (t0 - a), frames);
    // The Kaggle `tempo` is librosa.beat.beat_track(y, sr)'s: beat.tempo of an onset envelope
    // aggregated with np.median over bands (beat.tempo(y) itself uses np.mean; with it only
    // 35 of the 50 gtzan-mini tempos agree, with the median all 50 do).
    const std::vector<float> d =
        onset_differences(mel_db_.data(), o.n_mels, mel_frames, OnsetAggregate::kMedian);
    onset.insert(onset.end(), d.begin(), d.end());

    // rms on the reflect-padded frames (the STFT's own input), zcr on edge-padded ones.
    const std::vector<double> r =
        rms_frames(padded_.data() + padded_at_f0_ + (t0 - f0) * hop, frames, o.n_fft, o.hop_length);
    rms_acc.add(r.data(), r.size());
    const long long e0 = static_cast<long long>(t0 * hop);
    const long long e1 = static_cast<long long>((t1 - 1) * hop) + o.n_fft;
    edge_.resize(static_cast<std::size_t>(e1 - e0));
    window.edge_padded(e0, e1, half_, edge_.data());
    const std::vector<double> z =
        zero_crossing_rate_frames(edge_.data(), frames, o.n_fft, o.hop_length);
    zcr.add(z.data(), z.size());

    // ref: librosa.effects.hpss(y): istft of the soft-masked STFTs.
    if (s0 < s1) {
      hpss_.separate(D, f0, f1 - f0, T, m0, m1, harmonic_, percussive_);
      istft_.samples(harmonic_.data(), m0, m1 - m0, T, s0, s1, signal_);
      harmony.add(signal_.data(), signal_.size());
      istft_.samples(percussive_.data(), m0, m1 - m0, T, s0, s1, signal_);
      perceptr.add(signal_.data(), signal_.size());
    }
    // The next block reaches back to about frame t1 - ctx - 2 (ISTFT overlap plus context).
    drop_before_frame(window, t1 > ctx + 3 ? t1 - ctx - 3 : 0);
  }
  window.fill_to(g.n_samples + 1);
  if (window.read_count() != g.n_samples)
    throw Error("features", "input", "changed length between the two passes");
  // util.fix_length pads the inverse STFT with zeros up to the input's length.
  harmony.add_repeated(0.0, g.n_samples - hpss_length);
  perceptr.add_repeated(0.0, g.n_samples - hpss_length);

  ClipFeatures f;
  f.length = g.n_samples;
  f.chroma_stft = chroma.result();
  f.rms = rms_acc.result();
  f.spectral_centroid = centroid.result();
  f.spectral_bandwidth = bandwidth.result();
  f.rolloff = rolloff.result();
  f.zero_crossing_rate = zcr.result();
  f.harmony = harmony.result();
  f.perceptr = perceptr.result();
  for (const RunningMeanVar& m : mfcc) f.mfcc.push_back(m.result());
  f.tempo = tempo(onset_envelope(onset, T, o.n_fft, o.hop_length), sr, o.hop_length);
  return f;
}

}  // namespace genrec
