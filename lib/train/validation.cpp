#include "train/validation.h"

#include <algorithm>

namespace genrec {

ValidTotals validate(GenreCnn& net, const FeatureCache& cache, const std::vector<int>& songs,
                     int batch_size) {
  torch::NoGradGuard no_grad;
  net->eval();
  FeatureConfig config = cache.config();
  config.train_hop_seconds = config.segment_seconds;
  const int n_mels = config.n_mels;
  const auto n_frames = static_cast<std::int64_t>(config.frames_per_segment());
  const std::size_t window = static_cast<std::size_t>(n_mels) * n_frames;
  ValidTotals t;
  std::vector<float> buffer;
  for (int s : songs) {
    const SongFeatures* f = cache.find(s);
    const std::vector<std::size_t> offsets = train_frame_offsets(*f, config);
    torch::Tensor song_probs;
    for (std::size_t begin = 0; begin < offsets.size(); begin += batch_size) {
      const std::size_t n = std::min<std::size_t>(batch_size, offsets.size() - begin);
      buffer.resize(n * window);
      for (std::size_t i = 0; i < n; ++i)
        cut_segment(*f, offsets[begin + i], config, buffer.data() + i * window);
      auto x = torch::from_blob(buffer.data(), {static_cast<std::int64_t>(n), n_mels, n_frames});
      auto log_p = torch::log_softmax(net->forward(x), /*dim=*/1);
      auto y = torch::full({static_cast<std::int64_t>(n)}, f->label, torch::kInt64);
      t.loss_sum -= log_p.gather(/*dim=*/1, y.unsqueeze(/*dim=*/1)).sum().item<double>();
      t.seg_hits += log_p.argmax(/*dim=*/1).eq(y).sum().item<std::int64_t>();
      auto p = log_p.exp().sum(/*dim=*/0);
      song_probs = song_probs.defined() ? song_probs + p : p;
      t.n_windows += static_cast<std::int64_t>(n);
    }
    ++t.n_songs;
    if (song_probs.argmax().item<std::int64_t>() == f->label) ++t.song_hits;
  }
  return t;
}

ValidScores valid_scores(const ValidTotals& t) {
  const auto windows = static_cast<double>(std::max<std::int64_t>(1, t.n_windows));
  ValidScores v;
  v.loss = t.loss_sum / windows;
  v.seg_acc = static_cast<double>(t.seg_hits) / windows;
  v.song_acc =
      static_cast<double>(t.song_hits) / static_cast<double>(std::max<std::int64_t>(1, t.n_songs));
  return v;
}

}  // namespace genrec
