#include "data/synth.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "audio/error.h"
#include "audio/wav_writer.h"

namespace genrec {
namespace {

constexpr double kTwoPi = 6.283185307179586;
constexpr int kTableSize = 2048;

// ref: splitmix64 (Steele, Lea, Flood 2014): decorrelates the per-song seeds.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Platform-independent draws (std:: distributions differ between standard libraries).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  }
  int integer(int lo, int hi) {  // inclusive
    return std::min(hi, lo + static_cast<int>(uniform(0, 1) * (hi - lo + 1)));
  }
  bool chance(double p) { return uniform(0, 1) < p; }
  float noise() { return static_cast<float>(uniform(-1, 1)); }

 private:
  std::mt19937_64 engine_;
};

// One cycle of a waveform built from harmonic amplitudes (sine series), peak-normalised.
class Wavetable {
 public:
  explicit Wavetable(const std::vector<double>& harmonics) : table_(kTableSize + 1) {
    double peak = 0;
    for (int i = 0; i < kTableSize; ++i) {
      double v = 0;
      for (std::size_t h = 0; h < harmonics.size(); ++h)
        v += harmonics[h] * std::sin(kTwoPi * static_cast<double>(h + 1) * i / kTableSize);
      table_[i] = static_cast<float>(v);
      peak = std::max(peak, std::abs(v));
    }
    for (float& v : table_) v = static_cast<float>(v / (peak > 0 ? peak : 1));
    table_[kTableSize] = table_[0];
  }
  float at(double phase) const {  // phase in cycles, [0, 1)
    const double x = phase * kTableSize;
    const int i = static_cast<int>(x);
    const float f = static_cast<float>(x - i);
    return table_[i] + f * (table_[i + 1] - table_[i]);
  }

 private:
  std::vector<float> table_;
};

Wavetable sine_table() { return Wavetable({1.0}); }
Wavetable saw_table(int n) {
  std::vector<double> h(static_cast<std::size_t>(n));
  for (int k = 1; k <= n; ++k) h[k - 1] = 1.0 / k;
  return Wavetable(h);
}
Wavetable square_table(int n) {
  std::vector<double> h(static_cast<std::size_t>(n), 0.0);
  for (int k = 1; k <= n; k += 2) h[k - 1] = 1.0 / k;
  return Wavetable(h);
}
Wavetable pluck_table(double rolloff, int n) {  // piano-ish: 1/k^rolloff
  std::vector<double> h(static_cast<std::size_t>(n));
  for (int k = 1; k <= n; ++k) h[k - 1] = 1.0 / std::pow(k, rolloff);
  return Wavetable(h);
}

double midi_hz(double note) { return 440.0 * std::pow(2.0, (note - 69.0) / 12.0); }

// A mono mix buffer with instrument voices written into it.
class Mix {
 public:
  Mix(std::size_t n, int sr, Rng& rng) : buf_(n, 0.0f), sr_(sr), rng_(rng) {}
  std::vector<float>& samples() { return buf_; }
  int sample_rate() const { return sr_; }
  std::size_t at(double t_s) const { return static_cast<std::size_t>(std::max(0.0, t_s) * sr_); }

  // A note: wavetable oscillator, linear attack, exponential decay (time constant decay_s),
  // cut after dur_s with a 5 ms release; optional vibrato depth in semitones (5.5 Hz).
  void note(const Wavetable& w, double t_s, double dur_s, double hz, double amp, double attack_s,
            double decay_s, double vibrato = 0.0) {
    const std::size_t start = at(t_s), held = at(dur_s), len = held + at(0.005);
    const std::size_t attack = std::max<std::size_t>(1, at(attack_s));
    const double decay = per_sample(decay_s), release = 1.0 / std::max<double>(1, at(0.005));
    const double depth = vibrato * std::log(2.0) / 12.0, vib_step = 5.5 / sr_;
    double phase = rng_.uniform(0, 1), vib_phase = 0, env = amp;
    for (std::size_t i = 0; i < len && start + i < buf_.size(); ++i) {
      double gain = env * (i < attack ? static_cast<double>(i) / attack : 1.0);
      if (i >= held) gain *= std::max(0.0, 1.0 - static_cast<double>(i - held) * release);
      buf_[start + i] += static_cast<float>(gain * w.at(phase));
      const double f = vibrato > 0 ? hz * (1.0 + depth * std::sin(kTwoPi * vib_phase)) : hz;
      vib_phase += vib_step;
      phase += f / sr_;
      phase -= std::floor(phase);
      env *= decay;
    }
  }
  // Kick: a sine swept down from f0 to f1 with a short thump.
  void kick(double t_s, double amp, double f0 = 150, double f1 = 48, double decay_s = 0.18) {
    const std::size_t start = at(t_s), len = at(decay_s * 5);
    const double decay = per_sample(decay_s), sweep = per_sample(0.03);
    double phase = 0, env = amp, excess = f0 - f1;
    for (std::size_t i = 0; i < len && start + i < buf_.size(); ++i) {
      buf_[start + i] += static_cast<float>(env * std::sin(kTwoPi * phase));
      phase += (f1 + excess) / sr_;
      env *= decay;
      excess *= sweep;
    }
  }
  // Snare/clap: noise burst plus a 190 Hz body.
  void snare(double t_s, double amp, double decay_s = 0.09) {
    const std::size_t start = at(t_s), len = at(decay_s * 5);
    const double decay = per_sample(decay_s), body_decay = per_sample(0.04);
    double env = amp, body = 0.5 * amp;
    for (std::size_t i = 0; i < len && start + i < buf_.size(); ++i) {
      const double t = static_cast<double>(i) / sr_;
      buf_[start + i] += static_cast<float>(env * rng_.noise() + body * std::sin(kTwoPi * 190 * t));
      env *= decay;
      body *= body_decay;
    }
  }
  // Hi-hat/cymbal: first-difference (high-passed) noise with an exponential decay.
  void hat(double t_s, double amp, double decay_s) {
    const std::size_t start = at(t_s), len = at(decay_s * 5);
    const double decay = per_sample(decay_s);
    double env = 0.5 * amp;
    float prev = 0;
    for (std::size_t i = 0; i < len && start + i < buf_.size(); ++i) {
      const float x = rng_.noise();
      buf_[start + i] += static_cast<float>(env * (x - prev));
      prev = x;
      env *= decay;
    }
  }
  // Background noise at a given amplitude; lowpass in (0, 1] darkens it (one-pole).
  void noise_floor(double amp, double lowpass = 1.0) {
    float y = 0;
    for (float& v : buf_) {
      y += static_cast<float>(lowpass) * (rng_.noise() - y);
      v += static_cast<float>(amp) * y;
    }
  }
  // Soft clipping (distortion) of the whole buffer.
  void distort(double gain) {
    for (float& v : buf_) v = static_cast<float>(std::tanh(gain * v));
  }

 private:
  // The per-sample factor of an exponential decay with time constant tau_s.
  double per_sample(double tau_s) const { return std::exp(-1.0 / (tau_s * sr_)); }

  std::vector<float> buf_;
  int sr_;
  Rng& rng_;
};

// Minor pentatonic and natural minor scale steps, for melodies.
const int kPentatonic[] = {0, 3, 5, 7, 10};
const int kMinor[] = {0, 2, 3, 5, 7, 8, 10};

void ambient(Mix& mix, Rng& rng, double seconds) {
  const Wavetable sine = sine_table();
  const Wavetable soft = pluck_table(2.5, 4);
  double t = 0;
  const double root = rng.uniform(36, 50);  // C2..D3
  while (t < seconds) {
    const double len = rng.uniform(4, 8);
    const double chord_root = root + kMinor[rng.integer(0, 6)];
    const int intervals[] = {0, 7, 12, 15, 19};
    for (int v = 0; v < 4; ++v) {
      const double hz = midi_hz(chord_root + intervals[rng.integer(0, 4)]);
      for (double detune : {-0.04, 0.04})  // two detuned voices beat slowly
        mix.note(v % 2 ? sine : soft, t, len + 1.5, hz * std::pow(2.0, detune / 12), 0.08,
                 rng.uniform(1.0, 2.5), 30.0);
    }
    t += len;
  }
  mix.noise_floor(rng.uniform(0.001, 0.006), 0.05);
}

void chiptune(Mix& mix, Rng& rng, double seconds) {
  const double beat = 60.0 / rng.uniform(140, 175);
  const Wavetable lead = square_table(rng.integer(7, 15));
  const Wavetable bass = square_table(9);
  const double root = rng.uniform(64, 76);  // E4..E5
  for (double bar = 0; bar < seconds; bar += 4 * beat) {
    const double chord = root + kPentatonic[rng.integer(0, 4)];
    for (int i = 0; i < 16; ++i) {  // 16th-note arpeggio
      const int steps[] = {0, 4, 7, 12};
      const double t = bar + i * beat / 4;
      mix.note(lead, t, beat / 4 * 0.8, midi_hz(chord + steps[(i + rng.integer(0, 1)) % 4]), 0.18,
               0.002, 0.3);
      if (i % 2 == 0) mix.hat(t, rng.uniform(0.1, 0.2), 0.01);
    }
    for (int i = 0; i < 8; ++i)
      mix.note(bass, bar + i * beat / 2, beat / 2 * 0.7, midi_hz(chord - 24), 0.15, 0.002, 0.5);
  }
  mix.noise_floor(rng.uniform(0.002, 0.01));
}

void techno(Mix& mix, Rng& rng, double seconds) {
  const double beat = 60.0 / rng.uniform(120, 135);
  const Wavetable saw = saw_table(rng.integer(12, 30));
  const double root = rng.uniform(28, 40);  // E1..E2
  const bool clap = rng.chance(0.6);
  const double hat_density = rng.uniform(0.3, 0.9);
  for (double t = 0; t < seconds; t += beat) {
    mix.kick(t, 0.7);
    mix.hat(t + beat / 2, 0.35, 0.06);  // open hat on the off-beat
    for (int s = 1; s < 4; s += 2)
      if (rng.chance(hat_density)) mix.hat(t + s * beat / 4, 0.15, 0.015);
    if (clap && static_cast<long>(std::lround(t / beat)) % 2 == 1) mix.snare(t, 0.25, 0.05);
    for (int s = 1; s < 4; ++s)  // rolling bass between kicks
      mix.note(saw, t + s * beat / 4, beat / 5, midi_hz(root + (s == 3 ? 12 : 0)), 0.2, 0.003,
               0.12);
  }
  mix.noise_floor(rng.uniform(0.003, 0.015));
}

void hiphop(Mix& mix, Rng& rng, double seconds) {
  const double beat = 60.0 / rng.uniform(78, 96);
  const double swing = rng.uniform(0.05, 0.18) * beat;  // late off-beat 8ths
  const Wavetable sine = sine_table();
  const Wavetable keys = pluck_table(1.8, 6);
  const double root = rng.uniform(31, 38);  // G1..D2
  // Kick patterns on the 8th-note grid of one bar.
  const int patterns[3][8] = {
      {1, 0, 0, 1, 0, 0, 1, 0}, {1, 0, 1, 0, 0, 1, 0, 0}, {1, 1, 0, 0, 0, 1, 1, 0}};
  const int* kick = patterns[rng.integer(0, 2)];
  for (double bar = 0; bar < seconds; bar += 4 * beat) {
    for (int e = 0; e < 8; ++e) {
      const double t = bar + e * beat / 2 + (e % 2 ? swing : 0);
      if (kick[e]) {
        mix.kick(t, 0.75, 120, 45, 0.25);
        mix.note(sine, t, beat * 0.9, midi_hz(root), 0.35, 0.005, 0.6);  // sub-bass
      }
      if (e == 2 || e == 6) mix.snare(t, 0.45, 0.12);
      mix.hat(t, e % 2 ? 0.04 : 0.07, 0.03);
    }
    const double chord = root + 24 + kMinor[rng.integer(0, 6)];
    for (int v : {0, 3, 7, 10}) mix.note(keys, bar, 3 * beat, midi_hz(chord + v), 0.05, 0.01, 1.2);
  }
  // Vinyl: dark hiss plus sparse crackles.
  mix.noise_floor(rng.uniform(0.01, 0.03), 0.15);
  for (float& v : mix.samples())
    if (rng.chance(0.0004)) v += rng.noise() * 0.1f;
}

void metal(Mix& mix, Rng& rng, double seconds) {
  const double beat = 60.0 / rng.uniform(150, 190);
  const double root = rng.uniform(38, 47);  // D2..B2
  const double gain = rng.uniform(4, 10);
  const Wavetable saw = saw_table(40);
  // Guitars on their own buffer so the distortion does not touch the drums.
  Rng guitar_rng(static_cast<std::uint64_t>(rng.uniform(0, 1) * 1e15));
  Mix guitar(mix.samples().size(), mix.sample_rate(), guitar_rng);
  for (double bar = 0; bar < seconds; bar += 4 * beat) {
    const double chord = root + kPentatonic[rng.integer(0, 4)] - (rng.chance(0.3) ? 12 : 0);
    for (int e = 0; e < 8; ++e) {
      const double t = bar + e * beat / 2;
      for (int v : {0, 7, 12})
        guitar.note(saw, t, beat / 2 * 0.85, midi_hz(chord + v) * rng.uniform(0.998, 1.002), 0.3,
                    0.003, 0.8);
    }
    mix.hat(bar, 0.45, 0.6);  // crash
    for (int s = 0; s < 16; ++s) {
      const double t = bar + s * beat / 4;
      mix.kick(t, 0.45, 180, 60, 0.08);  // double kick
      if (s % 8 == 4) mix.snare(t, 0.5, 0.1);
      if (s % 2 == 0) mix.hat(t, 0.12, 0.04);
    }
  }
  guitar.distort(gain);
  std::vector<float>& out = mix.samples();
  for (std::size_t i = 0; i < out.size(); ++i) out[i] += 0.35f * guitar.samples()[i];
  mix.noise_floor(rng.uniform(0.02, 0.06));
}

void classical(Mix& mix, Rng& rng, double seconds) {
  const Wavetable piano = pluck_table(rng.uniform(1.2, 2.0), 10);
  const Wavetable strings = saw_table(8);
  const double tempo_beat = 60.0 / rng.uniform(60, 110);
  double note = rng.uniform(67, 79);  // G4..G5 melody start
  const double key = rng.uniform(55, 62);
  double t = 0;
  const bool bowed = rng.chance(0.4);
  while (t < seconds) {
    const double len = tempo_beat * (rng.chance(0.3) ? 1.0 : 0.5) * rng.uniform(0.9, 1.1);
    note = std::clamp(note + rng.integer(-3, 3), 55.0, 96.0);
    const double pitch = key + 12 * std::floor((note - key) / 12) + kMinor[rng.integer(0, 6)];
    if (bowed)
      mix.note(strings, t, len * 1.1, midi_hz(pitch), 0.08, 0.06, 4.0, 0.15);
    else
      mix.note(piano, t, std::min(2.5, len * 4), midi_hz(pitch), 0.22, 0.004,
               rng.uniform(0.4, 1.0));
    if (rng.chance(0.25))  // accompanying bass note
      mix.note(piano, t, 2.0, midi_hz(key - 12 + kMinor[rng.integer(0, 6)]), 0.15, 0.004, 0.8);
    t += len;
  }
  mix.noise_floor(rng.uniform(0.0005, 0.003), 0.3);
}

}  // namespace

const std::vector<std::string>& synth_genres() {
  static const std::vector<std::string> kGenres = {"ambient", "chiptune", "classical",
                                                   "hiphop",  "metal",    "techno"};
  return kGenres;
}

std::vector<float> synthesize_song(int genre, int index, const SynthOptions& options) {
  if (genre < 0 || genre >= static_cast<int>(synth_genres().size()))
    throw Error("synth", "genre " + std::to_string(genre), "no such synthetic genre");
  if (!(options.seconds > 0 && options.seconds <= 3600))
    throw Error("synth", "seconds", "must be in (0, 3600]");
  if (options.sample_rate < 8000 || options.sample_rate > 192000)
    throw Error("synth", "sample_rate", "must be in [8000, 192000]");
  Rng rng(splitmix64(options.seed ^ splitmix64(static_cast<std::uint64_t>(genre) * 1000003u +
                                               static_cast<std::uint64_t>(index))));
  const auto n = static_cast<std::size_t>(std::llround(options.seconds * options.sample_rate));
  Mix mix(n, options.sample_rate, rng);
  using Fn = void (*)(Mix&, Rng&, double);
  const Fn fns[] = {ambient, chiptune, classical, hiphop, metal, techno};  // synth_genres() order
  fns[genre](mix, rng, options.seconds);
  // Random overall level; peak-normalised so nothing clips in 16-bit PCM.
  std::vector<float>& x = mix.samples();
  float peak = 0;
  for (float v : x) peak = std::max(peak, std::abs(v));
  const float level = static_cast<float>(rng.uniform(0.4, 0.9)) / std::max(peak, 1e-6f);
  for (float& v : x) v *= level;
  return std::move(x);
}

void write_synthetic_dataset(const std::string& out_dir, const SynthOptions& options) {
  if (options.per_genre < 1 || options.per_genre > 100000)
    throw Error("synth", "per_genre", "must be in [1, 100000]");
  namespace fs = std::filesystem;
  for (std::size_t g = 0; g < synth_genres().size(); ++g) {
    const std::string& name = synth_genres()[g];
    const fs::path dir = fs::path(out_dir) / "genres_original" / name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("synth", dir.string(), "cannot create directory: " + ec.message());
    for (int i = 0; i < options.per_genre; ++i) {
      char file[64];
      std::snprintf(file, sizeof file, "%s.%05d.wav", name.c_str(), i);
      write_wav((dir / file).string(), synthesize_song(static_cast<int>(g), i, options),
                options.sample_rate);
    }
  }
}

}  // namespace genrec
