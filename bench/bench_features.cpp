// Throughput of genrec features: batch_features (whole-file rows, streamed from disk) over the
// 50 clips of ../shared/data/gtzan-mini, with 1 and 2 worker threads (or --threads N).
// Usage: bench_features [--threads N] [--reps R] [--data DIR]
// Prints one "key value" line per figure: files/s is the best of R runs (shared machines).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "audio/input_list.h"
#include "features/batch.h"

namespace {
std::string default_data() {
  const std::filesystem::path p =
      std::filesystem::path(GENREC_SOURCE_DIR) / ".." / "shared" / "data";
  return std::filesystem::exists(p) ? p.string() : std::string();
}
}  // namespace

int main(int argc, char** argv) {
  int reps = 3;
  std::vector<int> threads = {1, 2};
  std::string data = default_data();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--reps") {
      reps = std::max(1, std::atoi(argv[i + 1]));
    } else if (a == "--threads") {
      threads = {std::max(1, std::atoi(argv[i + 1]))};
    } else if (a == "--data") {
      data = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: %s [--threads N] [--reps R] [--data DIR]\n", argv[0]);
      return 2;
    }
  }
  if (data.empty()) {
    std::fprintf(stderr, "bench_features: ../shared/data is absent; pass --data DIR\n");
    return 2;
  }
  std::istringstream none;
  const std::vector<std::string> files =
      genrec::expand_inputs({data + "/gtzan-mini/genres_original"}, none);
  std::printf("files %zu\n", files.size());
  for (int n : threads) {
    genrec::FeatureBatchOptions options;
    options.threads = n;
    double best_s = 1e30;
    std::size_t failed = 0;
    for (int r = 0; r < reps; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::vector<genrec::FileFeatures> res = genrec::batch_features(files, options);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      best_s = std::min(best_s, s);
      failed = static_cast<std::size_t>(std::count_if(
          res.begin(), res.end(), [](const genrec::FileFeatures& f) { return !f.error.empty(); }));
    }
    std::printf("threads %d: files/s %.2f  seconds %.2f  failed %zu\n", n,
                static_cast<double>(files.size()) / best_s, best_s, failed);
  }
  return 0;
}
