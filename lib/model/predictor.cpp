#include "model/predictor.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "audio/error.h"
#include "audio/mel.h"
#include "audio/segmenter.h"
#include "model/genre_model.h"
#include "report/calibration.h"

namespace genrec {
namespace {

// Runs the model on the filled part of the batch and appends one SegmentPrediction each.
void flush_batch(const GenreModel& model, const std::vector<float>& batch, std::size_t count,
                 int threads, std::vector<double>& starts, double seg_s, Prediction& out) {
  if (count == 0) return;
  const std::size_t n_labels = model.n_labels();
  std::vector<float> probs = model.probabilities(batch.data(), count, threads);
  for (std::size_t b = 0; b < count; ++b) {
    SegmentPrediction s;
    s.start_s = starts[b];
    s.end_s = starts[b] + seg_s;
    s.probs.assign(probs.begin() + static_cast<std::ptrdiff_t>(b * n_labels),
                   probs.begin() + static_cast<std::ptrdiff_t>((b + 1) * n_labels));
    out.segments.push_back(std::move(s));
  }
  starts.clear();
}

template <typename Fn>
Prediction guarded(const std::string& name, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    Prediction p;
    p.file = name;
    p.error = e.what();
    return p;
  }
}

}  // namespace

Prediction predict_source(const GenreModel& model, AudioSource& source,
                          const PredictOptions& options) {
  const FeatureConfig& fc = model.info().features;
  if (source.rate_hz() != fc.sample_rate)
    throw Error("predict", source.name(), "audio source rate differs from the model's");
  const std::size_t seg = fc.segment_samples();
  const std::size_t cell = static_cast<std::size_t>(fc.n_mels) * fc.frames_per_segment();
  const std::size_t batch_size = static_cast<std::size_t>(std::max(1, options.batch_size));
  const double seg_s = static_cast<double>(seg) / fc.sample_rate;

  LogMelExtractor extractor(fc);
  SegmentReader reader(source, seg, seg, fc.pad);
  std::vector<float> samples, mel, batch(batch_size * cell);
  std::vector<double> starts;
  std::size_t start = 0, filled = 0;
  Prediction out;
  out.file = source.name();
  while (reader.next(samples, start)) {
    extractor.log_mel(samples.data(), samples.size(), mel);
    std::copy(mel.begin(), mel.end(), batch.begin() + static_cast<std::ptrdiff_t>(filled * cell));
    starts.push_back(static_cast<double>(start) / fc.sample_rate);
    if (++filled == batch_size) {
      flush_batch(model, batch, filled, options.threads, starts, seg_s, out);
      filled = 0;
    }
  }
  flush_batch(model, batch, filled, options.threads, starts, seg_s, out);
  out.duration_s = static_cast<double>(source.produced()) / fc.sample_rate;
  out.fingerprint = source.stats().fingerprint();
  out.warning = source.stats().warning(seg, fc.sample_rate);
  // ref: SPEC "Song-level probabilities are the mean of the segment probabilities".
  out.probs.assign(model.n_labels(), 0.0f);
  for (const SegmentPrediction& s : out.segments)
    for (std::size_t k = 0; k < out.probs.size(); ++k) out.probs[k] += s.probs[k];
  for (float& v : out.probs) v /= static_cast<float>(out.segments.size());
  temper_song(out.probs, out.segments.size(), model.song_temperature());
  out.uncertain = out.probs[static_cast<std::size_t>(argmax(out.probs))] < model.uncertain_below();
  return out;
}

Prediction predict_file(const GenreModel& model, const std::string& path,
                        const PredictOptions& options) {
  return guarded(path, [&] {
    AudioSource src = AudioSource::open_file(path, model.info().features.sample_rate);
    return predict_source(model, src, options);
  });
}

Prediction predict_bytes(const GenreModel& model, std::vector<std::uint8_t> bytes,
                         const std::string& name, const PredictOptions& options) {
  return guarded(name, [&] {
    AudioSource src(Decoder::open_memory(std::move(bytes), name),
                    model.info().features.sample_rate);
    return predict_source(model, src, options);
  });
}

void predict_files(const GenreModel& model, const std::vector<std::string>& paths,
                   const PredictOptions& options, int threads,
                   const std::function<void(const Prediction&)>& emit,
                   const std::vector<std::uint8_t>& stdin_audio) {
  threads = std::max(1, threads);
  const int workers = static_cast<int>(std::min<std::size_t>(threads, paths.size()));
  PredictOptions per_file = options;
  per_file.threads = workers > 1 ? 1 : threads;
  auto predict_one = [&](const std::string& path) {
    if (path == "-" && !stdin_audio.empty())
      return predict_bytes(model, stdin_audio, path, per_file);
    return predict_file(model, path, per_file);
  };
  if (workers <= 1) {
    for (const std::string& p : paths) emit(predict_one(p));
    return;
  }
  std::vector<std::optional<Prediction>> done(paths.size());
  std::mutex mu;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < paths.size();) {
      Prediction p = predict_one(paths[i]);
      std::lock_guard<std::mutex> lock(mu);
      done[i] = std::move(p);
      ready.notify_one();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < workers; ++t) pool.emplace_back(work);
  // Emit in input order as results arrive; results wait only until their turn.
  for (std::size_t i = 0; i < paths.size(); ++i) {
    std::unique_lock<std::mutex> lock(mu);
    ready.wait(lock, [&] { return done[i].has_value(); });
    Prediction p = std::move(*done[i]);
    done[i].reset();
    lock.unlock();
    emit(p);
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace genrec
