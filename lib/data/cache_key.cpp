#include "data/cache_key.h"

#include <sstream>

namespace genrec {

std::string cache_key(const FeatureConfig& config) {
  // In: everything extract_song's numbers depend on (decode rate, STFT, mel bank, dB clamp,
  // the padding of clips shorter than a segment, the rate a resampled copy went through).
  // fmax enters as fmax_hz(), so "0" (Nyquist) and its value in Hz share a cache.
  // Left out, because the cache does not depend on them:
  //   segment_seconds, train_hop_seconds: the cache holds whole clips; windows of any length
  //     and hop are cut from them when training reads them (cut_segment, train_frame_offsets);
  //   top_db: the floor max - top_db is applied per window at cut time, not stored.
  // Not a field: the decoder, resampler and mel code themselves. A change there that alters
  // the cached numbers must bump the shard format version (cache_shard.cpp, kVersion).
  std::ostringstream os;
  os.precision(17);
  os << "sr=" << config.sample_rate << ";n_fft=" << config.n_fft << ";hop=" << config.hop_length
     << ";n_mels=" << config.n_mels << ";fmin=" << config.fmin << ";fmax=" << config.fmax_hz()
     << ";amin=" << config.amin << ";pad=" << config.pad;
  // A copy through a lower rate (training's resampled copies); absent from the default's key so
  // the caches built before the field existed keep their names.
  if (config.via_rate > 0) os << ";via=" << config.via_rate;
  return os.str();
}

}  // namespace genrec
