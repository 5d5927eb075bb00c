#pragma once
// Song-level inference: AudioSource -> non-overlapping segments -> log-Mel -> batches ->
// CNN -> segment probabilities -> song probabilities (mean over segments).
// Memory is bounded by one batch of segments, whatever the song's length.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "audio/audio_source.h"
#include "report/prediction.h"

namespace genrec {

class GenreModel;

struct PredictOptions {
  int batch_size = 16;  // segments per forward pass
  int threads = 1;      // threads of one forward pass (its segments spread over them)
};

// Classifies one stream. Throws genrec::Error for decode failures.
Prediction predict_source(const GenreModel& model, AudioSource& source,
                          const PredictOptions& options = {});
// Never throw for bad input: failures come back with `error` set (one line naming the cause).
Prediction predict_file(const GenreModel& model, const std::string& path,
                        const PredictOptions& options = {});
Prediction predict_bytes(const GenreModel& model, std::vector<std::uint8_t> bytes,
                         const std::string& name, const PredictOptions& options = {});

// Classifies many files with `threads` workers (files in parallel, one network thread each,
// when there are several; a single file gets all threads), calling `emit` in input order from
// this thread. options.threads is not used. A path "-" is classified from `stdin_audio` when
// that is not empty (audio piped into `genrec predict -`).
void predict_files(const GenreModel& model, const std::vector<std::string>& paths,
                   const PredictOptions& options, int threads,
                   const std::function<void(const Prediction&)>& emit,
                   const std::vector<std::uint8_t>& stdin_audio = {});

}  // namespace genrec
