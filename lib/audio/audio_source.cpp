#include "audio/audio_source.h"

#include <algorithm>

#include "audio/error.h"

namespace genrec {
namespace {
constexpr std::size_t kBlockFrames = 1 << 16;
constexpr std::size_t kMaxReserve = std::size_t{1} << 22;  // 16 MB, 3 min at 22050 Hz
}  // namespace

AudioSource::AudioSource(Decoder decoder, int target_rate_hz)
    : decoder_(std::move(decoder)), rate_hz_(target_rate_hz) {
  if (decoder_.info().sample_rate != target_rate_hz)
    resampler_.emplace(decoder_.info().sample_rate, target_rate_hz);
  block_.resize(kBlockFrames);
}

AudioSource AudioSource::open_file(const std::string& path, int target_rate_hz) {
  return AudioSource(Decoder::open_file(path), target_rate_hz);
}

bool AudioSource::refill() {
  pending_.clear();
  pending_pos_ = 0;
  while (pending_.empty() && !eof_) {
    std::size_t got = decoder_.read_mono(block_.data(), block_.size());
    if (got == 0) {
      eof_ = true;
      if (resampler_) resampler_->flush(pending_);
    } else if (resampler_) {
      resampler_->process(block_.data(), got, pending_);
    } else {
      pending_.assign(block_.begin(), block_.begin() + static_cast<std::ptrdiff_t>(got));
    }
  }
  return !pending_.empty();
}

std::size_t AudioSource::read(float* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    if (pending_pos_ >= pending_.size() && !refill()) break;
    std::size_t take = std::min(n - done, pending_.size() - pending_pos_);
    std::copy_n(pending_.data() + pending_pos_, take, out + done);
    pending_pos_ += take;
    done += take;
  }
  produced_ += done;
  stats_.add(out, done);
  return done;
}

std::vector<float> read_all(AudioSource& source) {
  std::vector<float> all;
  const auto& info = source.source_info();
  // The header's frame count saves the vector's regrowth, but a damaged or hostile header can
  // claim billions of frames in a few bytes: trust it only up to kMaxReserve samples.
  if (info.frames > 0)
    all.reserve(std::min<std::size_t>(
        kMaxReserve, static_cast<std::size_t>(static_cast<double>(info.frames) * source.rate_hz() /
                                              info.sample_rate) +
                         16));
  std::vector<float> chunk(kBlockFrames);
  for (std::size_t got; (got = source.read(chunk.data(), chunk.size())) > 0;)
    all.insert(all.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
  if (all.empty()) throw Error("decode", source.name(), "no audio samples");
  return all;
}

std::vector<float> load_audio(const std::string& path, int target_rate_hz) {
  AudioSource src = AudioSource::open_file(path, target_rate_hz);
  return read_all(src);
}

std::vector<float> load_audio_memory(std::vector<std::uint8_t> bytes, const std::string& name,
                                     int target_rate_hz) {
  AudioSource src(Decoder::open_memory(std::move(bytes), name), target_rate_hz);
  return read_all(src);
}

}  // namespace genrec
