#include "features/batch.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "audio/audio_source.h"
#include "audio/error.h"
#include "audio/segmenter.h"

namespace genrec {
namespace {
const char* const kGtzanGenres[] = {"blues", "classical", "country", "disco",  "hiphop",
                                    "jazz",  "metal",     "pop",     "reggae", "rock"};

std::size_t piece_hop(double seconds, int sample_rate) {
  return static_cast<std::size_t>(std::llround(seconds * sample_rate));
}
}  // namespace

std::size_t piece_samples(double seconds, int sample_rate) {
  const std::size_t hop = piece_hop(seconds, sample_rate);
  if (hop < 2) throw Error("features", "segment_seconds", "pieces must hold >= 2 samples");
  return hop - 1;
}

std::string piece_filename(const std::string& filename, std::size_t index) {
  const std::filesystem::path p(filename);
  return p.stem().string() + "." + std::to_string(index) + p.extension().string();
}

std::string genre_label(const std::string& path) {
  const std::filesystem::path p(path);
  const std::string folder = p.parent_path().filename().string();
  if (folder.empty()) return "";
  for (const char* g : kGtzanGenres)
    if (folder == g) return folder;
  const std::string name = p.filename().string();
  return name.rfind(folder + ".", 0) == 0 ? folder : "";
}

std::vector<FeatureRow> file_features(const std::string& path, const FeatureBatchOptions& options,
                                      FeatureExtractor& extractor) {
  const int sr = extractor.options().sample_rate;
  const std::string name = std::filesystem::path(path).filename().string();
  const std::string label = genre_label(path);
  std::vector<FeatureRow> rows;
  if (options.segment_seconds <= 0.0) {
    // The whole file, decoded twice (the extractor's two passes), never held in memory.
    const SampleOpener open = [&path, sr]() -> SampleReader {
      auto source = std::make_shared<AudioSource>(AudioSource::open_file(path, sr));
      return [source](float* out, std::size_t max) { return source->read(out, max); };
    };
    FeatureRow row;
    row.filename = name;
    row.features = extractor.compute(open);
    row.length = row.features.length;
    row.label = label;
    rows.push_back(std::move(row));
    return rows;
  }
  // One piece in memory at a time.
  const std::size_t len = piece_samples(options.segment_seconds, sr);
  AudioSource source = AudioSource::open_file(path, sr);
  SegmentReader reader(source, len, piece_hop(options.segment_seconds, sr));
  std::vector<float> piece;
  std::size_t start = 0;
  for (std::size_t k = 0; reader.next(piece, start); ++k) {
    // SegmentReader zero-pads a stream shorter than one piece; use only its real samples.
    const std::size_t n = k == 0 ? std::min<std::size_t>(len, source.produced()) : len;
    FeatureRow row;
    row.filename = piece_filename(name, k);
    row.features = extractor.compute(piece.data(), n);
    row.length = n;
    row.label = label;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<FileFeatures> batch_features(
    const std::vector<std::string>& paths, const FeatureBatchOptions& options,
    const std::function<void(std::size_t, std::size_t)>& progress) {
  // Bad options fail here, once, rather than in every worker.
  FeatureExtractor validate(options.features);
  if (options.segment_seconds > 0.0)
    piece_samples(options.segment_seconds, options.features.sample_rate);
  std::vector<FileFeatures> results(paths.size());
  std::atomic<std::size_t> next{0};
  std::mutex progress_mutex;
  std::size_t done = 0;
  auto worker = [&]() {
    FeatureExtractor extractor(options.features);
    for (std::size_t i = next++; i < paths.size(); i = next++) {
      FileFeatures& r = results[i];
      r.path = paths[i];
      try {
        r.rows = file_features(paths[i], options, extractor);
      } catch (const std::exception& e) {
        // Every error names its file (decode errors already do).
        const std::string what = e.what();
        r.error = what.find(paths[i]) != std::string::npos
                      ? what
                      : "features: '" + paths[i] + "': " + what;
      }
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress(++done, paths.size());
      }
    }
  };
  const std::size_t n_threads = std::max<std::size_t>(
      1,
      std::min<std::size_t>(static_cast<std::size_t>(std::max(1, options.threads)), paths.size()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < n_threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  return results;
}

}  // namespace genrec
