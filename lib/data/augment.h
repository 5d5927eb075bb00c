#pragma once
// Training-time augmentation of one log-Mel window (SpecAugment-style masks and a random gain),
// on plain floats so it runs in the background loader. Deterministic for a given RNG state.
#include <cstdint>
#include <random>
#include <vector>

namespace genrec {

struct AugmentOptions {
  int freq_masks = 2;      // number of frequency masks per window
  int freq_mask_max = 16;  // widest frequency mask, in mel bands (width drawn in [0, max])
  int time_masks = 2;      // number of time masks per window
  int time_mask_max = 20;  // widest time mask, in frames
  double gain_db = 6.0;    // uniform random gain in [-gain_db, +gain_db] dB added to the window
  // Band limiting, as in audio from low sample rates (a 16 kHz file has nothing above 8 kHz) or
  // lossy codecs: with this probability, bands from a random cutoff in [lowpass_min_band,
  // n_mels) up are set to the front end's floor, max - top_db, where such bands really sit.
  double lowpass_prob = 0.8;
  int lowpass_min_band = 100;  // ~5.2 kHz with 128 bands up to 11025 Hz
  // The filter's slope: the this many bands below the cutoff are attenuated by 1/(slope+1),
  // 2/(slope+1), ... of top_db (not below the floor), as a real resampler's roll-off. 0: a wall.
  int lowpass_slope_bands = 3;
  // Shift along the mel axis by a random whole number of bands in [-max, max] (edge bands
  // repeated): a rough pitch/timbre change. 0: off.
  int freq_shift_max = 0;
  // Random equalisation, as between recordings and masterings: a spectral tilt of up to
  // +-eq_tilt_db from the lowest to the highest band, plus one bell of up to +-eq_bump_db at a
  // random band (width 4 to n_mels/4 bands). 0: off.
  double eq_tilt_db = 0.0;
  double eq_bump_db = 0.0;
  // A noise floor, as the hiss, dither or quantisation noise of a lossy codec that fills a
  // recording's quiet regions: with this probability, noise power at a level drawn in
  // [noise_min_db, top_db] dB below the window's max (each bin +-3 dB about it) is added to
  // every band before band limiting. 0: off.
  double noise_prob = 0.0;
  double noise_min_db = 40.0;
  // Random level changes of the quiet bins, as a codec's coarse quantisation there: each bin
  // gets a uniform offset in +-quiet_jitter_db times its quietness, 0 down to 30 dB below the
  // window's max rising to 1 at 60 dB below it (bins at the floor, max - top_db, stay), before
  // band limiting. 0: off.
  double quiet_jitter_db = 0.0;
};

// A float in [0, 1) and an integer in [0, n) from the generator's raw output (the same on
// every platform, unlike std::uniform_*_distribution).
double uniform01(std::mt19937_64& rng);
std::uint64_t uniform_index(std::mt19937_64& rng, std::uint64_t n);

// In place on x = [n_mels][n_frames] dB: adds a noise floor, jitters quiet bins, band-limits
// (see AugmentOptions; top_db is the front end's, FeatureConfig::top_db), shifts along the mel
// axis, equalises, adds the random gain, then
// sets masked bands/frames to fill[band] (the band's training mean: it normalises to 0).
// Returns whether band limiting was drawn. With apply_lowpass = false every draw is the same
// but the bands are left as they are: from the same RNG state, the same view without band
// limiting (the teacher view of TrainOptions::lowpass_teacher_weight).
bool augment_window(float* x, int n_mels, int n_frames, const AugmentOptions& options,
                    double top_db, const std::vector<float>& fill, std::mt19937_64& rng,
                    bool apply_lowpass = true);

}  // namespace genrec
