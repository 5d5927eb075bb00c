#pragma once
// Synthetic "genres" for tests and demos (not music): procedurally generated songs whose
// genres differ in ways a CNN on Mel spectrograms can learn — tempo, rhythm pattern
// (kick/snare/hat synthesis), timbre (waveform, harmonics), pitch range and noise level. Each
// song is randomised (seeded) within its genre, so the task is learnable but not trivial.
//
// Genres (label = folder name; made-up names that say what they sound like):
//   ambient    slow detuned sine pads, no drums, very little noise, low-mid pitch
//   chiptune   square-wave arpeggios, high pitch, fast (140-175 bpm), ticking noise hats
//   techno     four-on-the-floor kick, off-beat hats, sawtooth bass, 120-135 bpm
//   hiphop     slow (78-96 bpm) swung kick/snare, sine sub-bass, vinyl crackle
//   metal      clipped sawtooth power chords, double kick, loud noise/cymbals, 150-190 bpm
//   classical  plucked additive-harmonic melodies (piano-like decays), no drums, wide pitch
#include <cstdint>
#include <string>
#include <vector>

namespace genrec {

struct SynthOptions {
  int per_genre = 20;
  double seconds = 30.0;
  std::uint64_t seed = 1;
  int sample_rate = 22050;
};

// The genre names above, sorted (the label order scan_dataset gives their folders).
const std::vector<std::string>& synth_genres();

// One song of genre g (index into synth_genres()), mono in [-1, 1]. Song `index` of a genre is
// the same whatever per_genre is. Throws genrec::Error("synth", ...) for bad options.
std::vector<float> synthesize_song(int genre, int index, const SynthOptions& options);

// Writes out_dir/genres_original/<genre>/<genre>.00000.wav ... (16-bit PCM, the Kaggle GTZAN
// layout) for every genre. Throws genrec::Error("synth", ...) or ("wav", ...) on failure.
void write_synthetic_dataset(const std::string& out_dir, const SynthOptions& options);

}  // namespace genrec
