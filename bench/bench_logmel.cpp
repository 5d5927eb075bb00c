// Times the front end single-threaded: LogMelExtractor on one 30 s clip at 22050 Hz, and
// decode + downmix + resample of the re-encoded clips in ../shared/data/formats.
// Usage: bench_logmel [--reps N] [--clip FILE.wav] [--data DIR]
// Prints one "key value" line per figure (ms are medians over N repetitions).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "audio/audio_source.h"
#include "audio/error.h"
#include "audio/mel.h"

namespace {

struct Timing {
  double median_ms = 0;
  double min_ms = 0;  // less sensitive to other work on a shared machine
};

template <typename Fn>
Timing time_ms(int reps, Fn&& fn) {
  std::vector<double> ms;
  fn();  // warm-up: page in code and buffers
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front()};
}

std::string default_data() {
  const std::filesystem::path p =
      std::filesystem::path(GENREC_SOURCE_DIR) / ".." / "shared" / "data";
  return std::filesystem::exists(p) ? p.string() : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 100;
  std::string data = default_data(), clip;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--reps")
      reps = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--clip")
      clip = argv[i + 1];
    else if (a == "--data")
      data = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--reps N] [--clip FILE.wav] [--data DIR]\n", argv[0]);
      return 2;
    }
  }
  if (clip.empty() && !data.empty())
    clip = data + "/gtzan-mini/genres_original/blues/blues.00000.wav";
  try {
    const genrec::FeatureConfig config;
    std::vector<float> y;
    if (!clip.empty()) {
      y = genrec::load_audio(clip, config.sample_rate);
    } else {  // no shared data: 30 s of seeded noise has the same cost
      std::mt19937 rng(1);
      std::uniform_real_distribution<float> u(-0.3f, 0.3f);
      y.resize(30 * static_cast<std::size_t>(config.sample_rate));
      for (float& v : y) v = u(rng);
      clip = "synthetic-noise-30s";
    }
    const double seconds = static_cast<double>(y.size()) / config.sample_rate;
    std::printf("clip %s\nclip_seconds %.3f\nreps %d\n", clip.c_str(), seconds, reps);

    genrec::LogMelExtractor ex(config);
    std::vector<float> out;
    const Timing logmel = time_ms(reps, [&] { ex.log_mel(y.data(), y.size(), out); });
    std::printf("logmel_frames %zu\nlogmel_ms %.3f\nlogmel_min_ms %.3f\nlogmel_x_realtime %.0f\n",
                ex.n_frames(y.size()), logmel.median_ms, logmel.min_ms,
                seconds * 1000.0 / logmel.median_ms);

    if (!data.empty()) {
      for (const char* name : {"jazz.00000.44k-stereo.mp3", "rock.00000.48k-stereo.flac"}) {
        const std::string path = data + "/formats/" + name;
        std::size_t n = 0;
        const Timing t = time_ms(std::max(1, reps / 10),
                                 [&] { n = genrec::load_audio(path, config.sample_rate).size(); });
        std::printf("decode_resample_ms[%s] %.3f\ndecode_resample_x_realtime[%s] %.0f\n", name,
                    t.median_ms, name, n * 1000.0 / config.sample_rate / t.median_ms);
      }
    }
  } catch (const genrec::Error& e) {
    std::fprintf(stderr, "bench_logmel: %s\n", e.what());
    return 1;
  }
  return 0;
}
