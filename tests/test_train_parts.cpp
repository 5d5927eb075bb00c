// The parts of training, one at a time, against numbers computed independently of the code
// under test: the learning-rate schedule, the weight average (EMA), the label-smoothed
// cross-entropy, and the batch loader (each window once per epoch, batch sizes, seeded order,
// mixup's convex combinations, paired views), the consistency loss of paired views, and the
// training network's 2x2 max pooling against LibTorch's own.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <vector>

#include "audio/error.h"
#include "audio/wav_writer.h"
#include "data/batch_loader.h"
#include "data/dataset.h"
#include "data/feature_cache.h"
#include "test_util.h"
#include "train/cnn.h"
#include "train/max_pool.h"
#include "train/train_step.h"
#include "train/weight_average.h"

namespace genrec {
namespace {

namespace fs = std::filesystem;

// Warm-up of 4 steps to lr 0.1, then cosine to 0.1 * 0.02 at step 14. Expected values by hand:
// warm-up lr * (step + 1) / 4; then lr * (0.02 + 0.98 * 0.5 * (1 + cos(pi * (step - 4) / 10))),
// e.g. step 6: cos(0.2 pi) = 0.80901699 -> 0.1 * (0.02 + 0.98 * 0.90450850) = 0.0906418327.
TEST(LearningRate, WarmUpThenCosineToTheFloor) {
  auto lr = [](std::int64_t step) { return scheduled_lr(step, 4, 14, 0.1, 0.02); };
  EXPECT_NEAR(lr(0), 0.025, 1e-12);
  EXPECT_NEAR(lr(1), 0.05, 1e-12);
  EXPECT_NEAR(lr(3), 0.1, 1e-12);  // the last warm-up step reaches the peak
  EXPECT_NEAR(lr(4), 0.1, 1e-12);  // the cosine starts at the peak
  EXPECT_NEAR(lr(6), 0.0906418327243724, 1e-12);
  EXPECT_NEAR(lr(9), 0.051, 1e-12);  // half way: the mean of peak and floor
  EXPECT_NEAR(lr(14), 0.002, 1e-12);
  EXPECT_NEAR(lr(20), 0.002, 1e-12);  // stays at the floor past the end
  // Without warm-up the first step runs at the peak.
  EXPECT_NEAR(scheduled_lr(0, 0, 10, 0.5, 0.1), 0.5, 1e-12);
  EXPECT_NEAR(scheduled_lr(5, 0, 10, 0.5, 0.1), 0.5 * (0.1 + 0.9 * 0.5), 1e-12);
}

GenreCnn small_net() {
  CnnConfig arch;
  arch.channels = {4};
  return GenreCnn(arch, FeatureConfig{}, 3);
}

// Every parameter and floating-point buffer of `net` set to `value`; the batch counters to
// `count`.
void fill(GenreCnn& net, float value, std::int64_t count) {
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.fill_(value);
  for (auto& b : net->named_buffers())
    if (b.value().is_floating_point())
      b.value().fill_(value);
    else
      b.value().fill_(count);
}

// Every element of every parameter and buffer whose name contains `part`, as one list.
std::vector<double> values(const GenreCnn& net, const std::string& part) {
  std::vector<double> out;
  auto add = [&](const std::string& name, const torch::Tensor& t) {
    if (name.find(part) == std::string::npos) return;
    const torch::Tensor d = t.to(torch::kDouble).contiguous();
    out.insert(out.end(), d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
  };
  for (const auto& p : net->named_parameters()) add(p.key(), p.value());
  for (const auto& b : net->named_buffers()) add(b.key(), b.value());
  return out;
}

void expect_all(const std::vector<double>& v, double expected, const std::string& what) {
  ASSERT_FALSE(v.empty()) << what;
  for (double x : v) ASSERT_NEAR(x, expected, 1e-6) << what;
}

// Our pooling replaces torch::nn::MaxPool2d(2) in the network, so it must give the same outputs
// and gradients bit for bit: on ReLU-like inputs full of ties (zeros and repeated values), odd
// sizes (the last row and column are dropped), a non-contiguous input and NaNs.
TEST(MaxPool2x2, SameValuesAndGradientsAsLibTorch) {
  torch::manual_seed(7);
  auto check = [](const torch::Tensor& base) {
    torch::Tensor a = base.detach().clone().requires_grad_(true);
    torch::Tensor b = base.detach().clone().requires_grad_(true);
    torch::Tensor ours = max_pool_2x2(a.transpose(2, 3));
    torch::Tensor theirs = torch::max_pool2d(b.transpose(2, 3), /*kernel_size=*/2);
    ASSERT_EQ(ours.sizes(), theirs.sizes());
    EXPECT_TRUE(torch::equal(ours.isnan(), theirs.isnan()));
    EXPECT_TRUE(torch::equal(ours.nan_to_num(-1), theirs.nan_to_num(-1)));
    const torch::Tensor grad = torch::randn(ours.sizes());
    ours.backward(grad);
    theirs.backward(grad);
    EXPECT_TRUE(torch::equal(a.grad(), b.grad()));
    EXPECT_GT(a.grad().abs().sum().item<float>(), 0.0f);
  };
  // [batch][channels][width][height], pooled after swapping the last two: height 9, width 7.
  torch::Tensor ties = torch::relu(torch::randint(-3, 4, {3, 5, 7, 9})).to(torch::kFloat);
  check(ties);
  check(torch::randn({2, 4, 10, 12}));
  torch::Tensor with_nan = torch::randn({2, 3, 6, 8});
  with_nan.index_put_({0, 1, 2, 3}, NAN);
  with_nan.index_put_({1, 2, 4, 5}, NAN);
  with_nan.index_put_({1, 2, 4, 4}, NAN);
  check(with_nan);
}

// average = d * average + (1 - d) * model, d = min(decay, (1 + step) / (10 + step)):
// step 0: d = 0.1 -> 0.1 * 1 + 0.9 * 3 = 2.8; step 90: d = min(0.9, 0.91) = 0.9 ->
// 0.9 * 2.8 + 0.1 * 3 = 2.82. Running statistics follow the same rule; the input normalisation
// and the batch counters are copied.
TEST(WeightAverage, UpdatesWithTheWarmedUpDecay) {
  GenreCnn model = small_net(), average = small_net();
  fill(average, 1.0f, 5);
  fill(model, 3.0f, 17);
  WeightAverage ema(average, 0.9);
  ema.update(model, 0);
  expect_all(values(ema.average(), ".weight"), 2.8, "weights after step 0");
  expect_all(values(ema.average(), ".bias"), 2.8, "biases after step 0");
  expect_all(values(ema.average(), "running_mean"), 2.8, "running means after step 0");
  expect_all(values(ema.average(), "running_var"), 2.8, "running variances after step 0");
  expect_all(values(ema.average(), "norm_mean"), 3.0, "normalisation (copied)");
  expect_all(values(ema.average(), "num_batches_tracked"), 17, "batch counters (copied)");
  ema.update(model, 90);
  expect_all(values(ema.average(), ".weight"), 2.82, "weights after step 90");
  expect_all(values(ema.average(), "running_var"), 2.82, "running variances after step 90");
  // The model itself is untouched.
  expect_all(values(model, ".weight"), 3.0, "the trained model");
  // Decay 0: a plain copy.
  GenreCnn copy = small_net();
  fill(copy, 1.0f, 0);
  WeightAverage plain(copy, 0.0);
  plain.update(model, 1000);
  expect_all(values(plain.average(), ".weight"), 3.0, "decay 0");
}

// Two windows, three labels, smoothing 0.1. Reference numbers computed by hand (Python's math
// module, not torch): log p = logits - logsumexp(logits); per window
// 0.9 * -log p[label] + 0.1 * mean_k(-log p[k]).
//   [1, 2, 0.5], label 1: nll 0.4643687841079449, smoothed 0.5477021174412783
//   [-1, 0, 3],  label 0: nll 4.065883903757429,  smoothed 3.8992172370907623
TEST(SmoothedCrossEntropy, MatchesHandComputedValues) {
  const torch::Tensor logits = torch::tensor({{1.0f, 2.0f, 0.5f}, {-1.0f, 0.0f, 3.0f}});
  const torch::Tensor labels = torch::tensor({1, 0}, torch::kInt64);
  const torch::Tensor per = smoothed_cross_entropy(logits, labels, 0.1, /*reduce=*/false);
  ASSERT_EQ(per.numel(), 2);
  EXPECT_NEAR(per[0].item<double>(), 0.5477021174412783, 1e-6);
  EXPECT_NEAR(per[1].item<double>(), 3.8992172370907623, 1e-6);
  EXPECT_NEAR(smoothed_cross_entropy(logits, labels, 0.1).item<double>(), 2.2234596772660202, 1e-6);
  // Smoothing 0: the plain negative log-likelihood.
  const torch::Tensor nll = smoothed_cross_entropy(logits, labels, 0.0, /*reduce=*/false);
  EXPECT_NEAR(nll[0].item<double>(), 0.4643687841079449, 1e-6);
  EXPECT_NEAR(nll[1].item<double>(), 4.065883903757429, 1e-6);
  // And LibTorch's own label-smoothed cross-entropy agrees on random logits.
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({6, 5}) * 3;
  const torch::Tensor y = torch::tensor({0, 4, 2, 2, 1, 3}, torch::kInt64);
  namespace F = torch::nn::functional;
  const double expected =
      F::cross_entropy(x, y, F::CrossEntropyFuncOptions().label_smoothing(0.2)).item<double>();
  EXPECT_NEAR(smoothed_cross_entropy(x, y, 0.2).item<double>(), expected, 1e-5);
}

// Jensen-Shannon divergence, by hand (softmax, mixture m = (p + q) / 2, 0.5 KL(p||m) +
// 0.5 KL(q||m), natural log), in double precision outside LibTorch:
//   [1, 2, 0.5] vs [-1, 0, 3]:     0.36892022302084415
//   [1, 2, 0.5] vs [1.5, 1.8, 0.2]: 0.013481938408718686
//   identical rows: 0
TEST(JsDivergence, MatchesHandComputedValues) {
  const torch::Tensor a = torch::tensor({{1.0f, 2.0f, 0.5f}, {0.2f, 0.1f, -0.3f}});
  const torch::Tensor b = torch::tensor({{-1.0f, 0.0f, 3.0f}, {0.2f, 0.1f, -0.3f}});
  EXPECT_NEAR(js_divergence(a, b).item<double>(), 0.18446011151042208, 1e-6);  // row mean
  EXPECT_NEAR(js_divergence(a.slice(0, 0, 1), b.slice(0, 0, 1)).item<double>(), 0.36892022302084415,
              1e-6);
  EXPECT_NEAR(
      js_divergence(torch::tensor({{1.0f, 2.0f, 0.5f}}), torch::tensor({{1.5f, 1.8f, 0.2f}}))
          .item<double>(),
      0.013481938408718686, 1e-6);
  EXPECT_NEAR(js_divergence(b, a).item<double>(), 0.18446011151042208, 1e-6);  // symmetric
}

// The train-step tests' network: small_net() from a given torch seed, in evaluation mode (so
// that a test can recompute the step's loss from separate passes), and their window length.
constexpr int kStepFrames = 16;
GenreCnn seeded_eval_net(std::uint64_t seed) {
  torch::manual_seed(seed);
  GenreCnn net = small_net();
  net->eval();
  return net;
}

// With paired views, the step's loss is the mean of both views' cross-entropies plus the weight
// times their JS divergence, each computed here from separate forward passes (eval mode, so
// batch norm does not see the views together).
TEST(TrainStep, PairedViewsAddTheWeightedDivergence) {
  GenreCnn net = seeded_eval_net(5);
  const int n_mels = FeatureConfig{}.n_mels, n_frames = kStepFrames;
  TrainBatch batch;
  batch.size = 4;
  const auto window = static_cast<std::size_t>(n_mels) * n_frames;
  const torch::Tensor xa = torch::randn({4, n_mels, n_frames});
  const torch::Tensor xb = xa + 0.5 * torch::randn({4, n_mels, n_frames});
  batch.x.assign(xa.data_ptr<float>(), xa.data_ptr<float>() + 4 * window);
  batch.x_pair.assign(xb.data_ptr<float>(), xb.data_ptr<float>() + 4 * window);
  batch.y = {0, 1, 2, 1};
  const torch::Tensor y = torch::tensor({0, 1, 2, 1}, torch::kInt64);
  double ce = 0, js = 0;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor la = net->forward(xa), lb = net->forward(xb);
    ce = 0.5 * (smoothed_cross_entropy(la, y, 0.1).item<double>() +
                smoothed_cross_entropy(lb, y, 0.1).item<double>());
    js = js_divergence(la, lb).item<double>();
  }
  ASSERT_GT(js, 1e-4);
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(1e-3));
  const StepResult r = train_step(net, optimizer, batch, n_mels, n_frames, 1e-3, {0.1, 3.0});
  EXPECT_NEAR(r.loss, ce + 3.0 * js, 1e-4 * (1 + ce));
}

TEST(KlFromTeacher, MatchesHandComputedValuesAndStopsTheTeachersGradient) {
  const torch::Tensor t = torch::tensor({{1.0f, 2.0f, 0.5f}, {0.2f, 0.1f, -0.3f}}).requires_grad_();
  const torch::Tensor s =
      torch::tensor({{-1.0f, 0.0f, 3.0f}, {0.2f, 0.1f, -0.3f}}).requires_grad_();
  // Row 1: sum p_t (log p_t - log p_s) with p_t = softmax(1, 2, 0.5); row 2 is the same twice.
  const torch::Tensor kl = kl_from_teacher(t, s);
  EXPECT_NEAR(kl.item<double>(), 1.9704153954020858, 1e-5);
  EXPECT_NEAR(kl_from_teacher(s, t).item<double>(), 1.6115628637947916, 1e-5);  // not symmetric
  kl.backward();
  EXPECT_FALSE(t.grad().defined()) << "the teacher's logits got a gradient";
  ASSERT_TRUE(s.grad().defined());
  EXPECT_GT(s.grad().abs().sum().item<double>(), 0.1);
}

// With teacher views, the step's loss is the cross-entropy of the batch plus the weight times
// KL(full-band view || window) of the band-limited windows over the batch size, both views
// through the network in evaluation mode. Computed here from separate passes; the net is in
// eval mode throughout, so the cross-entropy's pass is that mode's too.
TEST(TrainStep, TeacherViewsAddTheWeightedDivergenceOfTheBandLimitedWindows) {
  GenreCnn net = seeded_eval_net(6);
  const int n_mels = FeatureConfig{}.n_mels, n_frames = kStepFrames;
  const auto window = static_cast<std::size_t>(n_mels) * n_frames;
  const torch::Tensor x = torch::randn({4, n_mels, n_frames});
  const torch::Tensor full = torch::randn({2, n_mels, n_frames});  // of windows 1 and 3
  TrainBatch batch;
  batch.size = 4;
  batch.x.assign(x.data_ptr<float>(), x.data_ptr<float>() + 4 * window);
  batch.y = {0, 1, 2, 1};
  batch.full_index = {1, 3};
  batch.x_full.assign(full.data_ptr<float>(), full.data_ptr<float>() + 2 * window);
  const torch::Tensor y = torch::tensor({0, 1, 2, 1}, torch::kInt64);
  double ce = 0, kl = 0;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor logits = net->forward(x), teacher = net->forward(full);
    ce = smoothed_cross_entropy(logits, y, 0.1).item<double>();
    kl = kl_from_teacher(teacher, logits.index_select(0, torch::tensor({1, 3}))).item<double>();
  }
  ASSERT_GT(kl, 1e-4);
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(1e-3));
  const StepResult r = train_step(net, optimizer, batch, n_mels, n_frames, 1e-3, {0.1, 0.0, 2.0});
  EXPECT_NEAR(r.loss, ce + 2.0 * kl / 4, 1e-4 * (1 + ce));
  EXPECT_FALSE(net->is_training()) << "the step changed the network's mode";
}

// In training mode, a band-limited window whose full-band view is the same window adds
// nothing: the two are compared in one mode, so batch statistics and dropout of the training
// pass do not count as a divergence. The same step without the teacher gives the same loss.
TEST(TrainStep, TeacherViewsEqualToTheirWindowsAddNothingInTrainingMode) {
  const FeatureConfig features;
  const int n_mels = features.n_mels, n_frames = 16;
  const auto window = static_cast<std::size_t>(n_mels) * n_frames;
  torch::manual_seed(8);
  const torch::Tensor x = torch::randn({4, n_mels, n_frames});
  TrainBatch batch;
  batch.size = 4;
  batch.x.assign(x.data_ptr<float>(), x.data_ptr<float>() + 4 * window);
  batch.y = {0, 1, 2, 1};
  batch.full_index = {0, 2};
  batch.x_full.assign(batch.x.begin(), batch.x.begin() + window);
  batch.x_full.insert(batch.x_full.end(), batch.x.begin() + 2 * window,
                      batch.x.begin() + 3 * window);
  double loss[2];
  for (int taught = 0; taught < 2; ++taught) {
    torch::manual_seed(9);
    CnnConfig arch;
    arch.channels = {4};
    arch.dropout = 0.5;
    GenreCnn net(arch, FeatureConfig{}, 3);
    net->train();
    torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(1e-3));
    loss[taught] =
        train_step(net, optimizer, batch, n_mels, n_frames, 1e-3, {0.1, 0.0, taught ? 3.0 : 0.0})
            .loss;
    EXPECT_TRUE(net->is_training());
  }
  EXPECT_NEAR(loss[1], loss[0], 1e-6);
}

// A tiny dataset: 2 genres x 3 songs of exactly one window (3 s), each a different tone, so a
// window's content names its song.
struct TinyCache {
  Dataset data;
  FeatureCache cache;
  FeatureCache via16k;  // the same songs as heard through 16 kHz
};

const TinyCache& tiny_cache() {
  static const TinyCache c = [] {
    // One folder per test: CTest runs each test in its own process, possibly at the same time.
    const fs::path dir =
        test::scratch_dir(std::string("train_parts_loader-") +
                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (int g = 0; g < 2; ++g)
      for (int s = 0; s < 3; ++s) {
        const fs::path genre = dir / "songs" / (g ? "b" : "a");
        fs::create_directories(genre);
        std::vector<float> x = test::tone(200.0 + 450.0 * (3 * g + s), 3.0, 22050, 0.3);
        const std::vector<float> n = test::noise(3.0, 22050, 10 + 3 * g + s, 0.02);
        for (std::size_t i = 0; i < x.size(); ++i) x[i] += n[i];
        write_wav((genre / ("song" + std::to_string(s) + ".wav")).string(), x, 22050);
      }
    TinyCache t;
    t.data = scan_dataset((dir / "songs").string());
    t.cache = FeatureCache::build(t.data, FeatureConfig{}, (dir / "cache").string(), 1);
    FeatureConfig via;
    via.via_rate = 16000;
    t.via16k = FeatureCache::build(t.data, via, (dir / "cache").string(), 1);
    return t;
  }();
  return c;
}

std::vector<int> all_songs(const FeatureCache& cache) {
  std::vector<int> songs;
  for (const SongFeatures& f : cache.songs()) songs.push_back(f.song);
  return songs;
}

std::vector<TrainBatch> epoch(const LoaderOptions& options, std::uint64_t seed) {
  const FeatureCache& cache = tiny_cache().cache;
  BatchLoader loader(cache, all_songs(cache), options, seed);
  std::vector<TrainBatch> out;
  TrainBatch b;
  while (loader.next(b)) out.push_back(std::move(b));
  EXPECT_EQ(out.size(), loader.n_batches());
  return out;
}

// The song whose one window equals `x` exactly (-1 when none does), in `cache` (by default the
// originals).
int song_of(const float* x, const FeatureCache& cache = tiny_cache().cache) {
  const FeatureConfig& cfg = cache.config();
  const std::size_t n = static_cast<std::size_t>(cfg.n_mels) * cfg.frames_per_segment();
  std::vector<float> w(n);
  for (const SongFeatures& f : cache.songs()) {
    EXPECT_EQ(max_frame_offset(f, cfg), 0u) << f.rel_path;
    cut_segment(f, 0, cfg, w.data());
    if (std::equal(w.begin(), w.end(), x)) return f.song;
  }
  return -1;
}

TEST(BatchLoader, CountsBatchesAndDropsALoneLastWindow) {
  EXPECT_EQ(BatchLoader::count_batches(12, 4), 3u);
  EXPECT_EQ(BatchLoader::count_batches(12, 5), 3u);  // 5 + 5 + 2
  EXPECT_EQ(BatchLoader::count_batches(13, 4), 3u);  // the 13th window alone is dropped
  EXPECT_EQ(BatchLoader::count_batches(11, 5), 2u);
  EXPECT_EQ(BatchLoader::count_batches(3, 8), 1u);
  EXPECT_EQ(BatchLoader::count_batches(13, 4, 2), 3u);  // trimmed to 12 for two ranks
}

TEST(BatchLoader, EveryWindowOncePerEpochInBatchesOfTheRequestedSize) {
  const FeatureCache& cache = tiny_cache().cache;
  ASSERT_EQ(cache.songs().size(), 6u);
  const std::size_t window =
      static_cast<std::size_t>(cache.n_mels()) * cache.config().frames_per_segment();
  LoaderOptions o;
  o.augment_enabled = false;
  o.crops_per_song = 2;
  o.batch_size = 5;  // 12 windows: 5 + 5 + 2
  const std::vector<TrainBatch> batches = epoch(o, 42);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].size, 5u);
  EXPECT_EQ(batches[1].size, 5u);
  EXPECT_EQ(batches[2].size, 2u);
  std::map<int, int> seen;
  for (const TrainBatch& b : batches) {
    ASSERT_EQ(b.x.size(), b.size * window);
    ASSERT_EQ(b.y.size(), b.size);
    EXPECT_TRUE(b.lam.empty());
    for (std::size_t i = 0; i < b.size; ++i) {
      const int song = song_of(b.x.data() + i * window);
      ASSERT_GE(song, 0) << "a window that is no song's";
      ++seen[song];
      EXPECT_EQ(b.y[i], cache.find(song)->label) << song;
    }
  }
  ASSERT_EQ(seen.size(), 6u);
  for (const auto& [song, n] : seen) EXPECT_EQ(n, 2) << "song " << song;
}

// crops_per_segment: a song of 3 whole segments (9.5 s) gets crops_per_song + 2 more per
// segment after its first, a 3 s and a 2 s song (one window each) crops_per_song only:
// 3 + 2 * 2 = 7, 3 and 3 windows, 13 in the epoch, counted before the loader plans them.
TEST(BatchLoader, LongSongsGetCropsPerSegment) {
  const fs::path dir = test::scratch_dir("train_parts_crops_per_segment");
  const double seconds[] = {9.5, 3.0, 2.0};
  for (int g = 0; g < 3; ++g) {
    const fs::path genre = dir / "songs" / std::string(1, static_cast<char>('a' + g));
    fs::create_directories(genre);
    write_wav((genre / "song.wav").string(), test::tone(300.0 * (g + 1), seconds[g], 22050, 0.3),
              22050);
  }
  const Dataset data = scan_dataset((dir / "songs").string());
  const FeatureCache cache =
      FeatureCache::build(data, FeatureConfig{}, (dir / "cache").string(), 1);
  LoaderOptions o;
  o.augment_enabled = false;
  o.crops_per_song = 3;
  o.crops_per_segment = 2;
  o.batch_size = 13;
  const std::vector<int> songs = all_songs(cache);
  ASSERT_EQ(songs.size(), 3u);
  EXPECT_EQ(BatchLoader::count_windows(cache, songs, o), 13u);
  BatchLoader loader(cache, songs, o, 42);
  EXPECT_EQ(loader.n_windows(), 13u);
  std::map<std::int64_t, int> per_label;
  TrainBatch b;
  while (loader.next(b))
    for (std::int64_t y : b.y) ++per_label[y];
  EXPECT_EQ(per_label[0], 7);  // genre a: the 9.5 s song
  EXPECT_EQ(per_label[1], 3);
  EXPECT_EQ(per_label[2], 3);
  o.crops_per_segment = 0;  // every song alike
  EXPECT_EQ(BatchLoader::count_windows(cache, songs, o), 9u);
}

bool same_batches(const std::vector<TrainBatch>& a, const std::vector<TrainBatch>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].x != b[i].x || a[i].y != b[i].y || a[i].y_mix != b[i].y_mix || a[i].lam != b[i].lam)
      return false;
  return true;
}

TEST(BatchLoader, TheSeedFixesTheEpoch) {
  LoaderOptions o;  // augmentation on: its masks follow the seed too
  o.crops_per_song = 2;
  o.batch_size = 4;
  const std::vector<TrainBatch> a = epoch(o, 7);
  EXPECT_TRUE(same_batches(a, epoch(o, 7)));
  EXPECT_FALSE(same_batches(a, epoch(o, 8)));
  o.mixup_alpha = 0.4;
  const std::vector<TrainBatch> m = epoch(o, 7);
  EXPECT_TRUE(same_batches(m, epoch(o, 7)));
  EXPECT_FALSE(same_batches(m, epoch(o, 8)));
}

// Mixup (lambda values are not asserted: the sampler is the loader's business): each window is
// lam * itself + (1 - lam) * a partner window of the same batch, the partner's label is y_mix,
// and lam is in [0.5, 1] (the window's own label stays the main one).
TEST(BatchLoader, MixupMixesWindowsOfTheBatchAndTheirLabels) {
  const FeatureCache& cache = tiny_cache().cache;
  const std::size_t window =
      static_cast<std::size_t>(cache.n_mels()) * cache.config().frames_per_segment();
  LoaderOptions o;
  o.augment_enabled = false;
  o.crops_per_song = 2;
  o.batch_size = 6;
  const std::vector<TrainBatch> plain = epoch(o, 11);
  o.mixup_alpha = 0.4;
  const std::vector<TrainBatch> mixed = epoch(o, 11);
  ASSERT_EQ(mixed.size(), plain.size());
  int strictly_mixed = 0;
  for (std::size_t b = 0; b < mixed.size(); ++b) {
    const TrainBatch &m = mixed[b], &p = plain[b];
    ASSERT_EQ(m.y, p.y);  // the same plan: mixup changes windows, not which
    ASSERT_EQ(m.lam.size(), m.size);
    ASSERT_EQ(m.y_mix.size(), m.size);
    for (std::size_t i = 0; i < m.size; ++i) {
      const float lam = m.lam[i];
      EXPECT_GE(lam, 0.5f);
      EXPECT_LE(lam, 1.0f);
      strictly_mixed += lam < 0.99f;
      bool found = false;
      for (std::size_t j = 0; j < p.size && !found; ++j) {
        if (p.y[j] != m.y_mix[i]) continue;
        bool all = true;
        for (std::size_t k = 0; k < window && all; ++k) {
          const float want = lam * p.x[i * window + k] + (1.0f - lam) * p.x[j * window + k];
          all = std::abs(m.x[i * window + k] - want) <= 1e-4f * (1.0f + std::abs(want));
        }
        found = all;
      }
      EXPECT_TRUE(found) << "batch " << b << " window " << i << " lam " << lam
                         << ": not lam * itself + (1 - lam) * a window labelled y_mix";
    }
  }
  EXPECT_GT(strictly_mixed, 0) << "no window was mixed";
}

// Paired views: the first view of every window is the window of the unpaired epoch; the second
// is the same crop augmented with draws of its own. With the random gain as the only
// augmentation, the two views differ by one constant per window (the two gains).
TEST(BatchLoader, PairedViewsAreTheSameCropAugmentedTwice) {
  const FeatureCache& cache = tiny_cache().cache;
  const std::size_t window =
      static_cast<std::size_t>(cache.n_mels()) * cache.config().frames_per_segment();
  LoaderOptions o;
  o.crops_per_song = 2;
  o.batch_size = 4;
  o.augment = AugmentOptions{};
  o.augment.freq_masks = o.augment.time_masks = 0;
  o.augment.lowpass_prob = 0;
  o.augment.gain_db = 6;
  const std::vector<TrainBatch> single = epoch(o, 5);
  o.paired_views = true;
  const std::vector<TrainBatch> paired = epoch(o, 5);
  ASSERT_EQ(paired.size(), single.size());
  int different = 0;
  for (std::size_t b = 0; b < paired.size(); ++b) {
    const TrainBatch& p = paired[b];
    EXPECT_EQ(p.x, single[b].x);
    EXPECT_EQ(p.y, single[b].y);
    ASSERT_EQ(p.x_pair.size(), p.x.size());
    EXPECT_TRUE(single[b].x_pair.empty());
    for (std::size_t i = 0; i < p.size; ++i) {
      const float* a = p.x.data() + i * window;
      const float* v = p.x_pair.data() + i * window;
      const float offset = v[0] - a[0];
      for (std::size_t k = 0; k < window; ++k)
        ASSERT_NEAR(v[k] - a[k], offset, 1e-3f) << "batch " << b << " window " << i;
      EXPECT_LE(std::abs(offset), 12.0f);
      different += std::abs(offset) > 1e-3f;
    }
  }
  EXPECT_GT(different, 0) << "the second views drew the same gains";
  o.mixup_alpha = 0.4;
  EXPECT_THROW(epoch(o, 5), Error);
}

// Teacher views: the band-limited windows of an epoch, listed, again without the band limiting;
// the windows themselves are those of an epoch without teacher views.
TEST(BatchLoader, TeacherViewsAreTheBandLimitedWindowsWithoutTheBandLimiting) {
  const FeatureCache& cache = tiny_cache().cache;
  const int n_mels = cache.n_mels();
  const std::size_t frames = cache.config().frames_per_segment();
  const std::size_t window = static_cast<std::size_t>(n_mels) * frames;
  LoaderOptions o;
  o.crops_per_song = 4;
  o.batch_size = 8;
  o.augment = AugmentOptions{};  // masks, gain, band limiting on 80% from band 100
  const std::vector<TrainBatch> plain = epoch(o, 7);
  o.lowpass_teacher_views = true;
  const std::vector<TrainBatch> taught = epoch(o, 7);
  ASSERT_EQ(taught.size(), plain.size());
  std::size_t listed = 0, windows = 0;
  for (std::size_t b = 0; b < taught.size(); ++b) {
    const TrainBatch& t = taught[b];
    EXPECT_EQ(t.x, plain[b].x);
    EXPECT_EQ(t.y, plain[b].y);
    EXPECT_TRUE(plain[b].full_index.empty() && plain[b].x_full.empty());
    ASSERT_EQ(t.x_full.size(), t.full_index.size() * window);
    windows += t.size;
    for (std::size_t j = 0; j < t.full_index.size(); ++j) {
      ASSERT_LT(t.full_index[j], static_cast<std::int64_t>(t.size));
      if (j > 0) {
        EXPECT_LT(t.full_index[j - 1], t.full_index[j]);
      }
      const float* x = t.x.data() + static_cast<std::size_t>(t.full_index[j]) * window;
      const float* f = t.x_full.data() + j * window;
      // The same below the lowest band the band limiting and its slope reach ...
      const std::size_t same =
          static_cast<std::size_t>(o.augment.lowpass_min_band - o.augment.lowpass_slope_bands) *
          frames;
      EXPECT_TRUE(std::equal(x, x + same, f)) << "batch " << b << " window " << j;
      // ... and the band-limited view is never above the full one in the top band.
      for (std::size_t k = (n_mels - 1) * frames; k < window; ++k) {
        ASSERT_LE(x[k], f[k]);
      }
      listed += !std::equal(x, x + window, f);
    }
  }
  // About 80% of the windows are band-limited; nearly all of those differ from their teacher view
  // (a cutoff at the very top band over a masked band may not).
  EXPECT_GT(listed, windows / 2) << listed << " of " << windows;
  EXPECT_LT(listed, windows);
  o.mixup_alpha = 0.4;
  EXPECT_THROW(epoch(o, 7), Error);
}

TEST(BatchLoader, ResampledCopiesReplaceTheirShareOfWindows) {
  const TinyCache& tiny = tiny_cache();
  const std::size_t window =
      static_cast<std::size_t>(tiny.cache.n_mels()) * tiny.cache.config().frames_per_segment();
  LoaderOptions o;
  o.crops_per_song = 40;
  o.batch_size = 8;
  o.augment_enabled = false;  // windows as cut, so each names its source
  const std::vector<TrainBatch> plain = epoch(o, 11);
  o.resampled = {&tiny.via16k};
  o.resample_prob = 0.5;
  const std::vector<TrainBatch> mixed = epoch(o, 11);
  ASSERT_EQ(mixed.size(), plain.size());
  std::size_t from_copy = 0, windows = 0;
  for (std::size_t b = 0; b < mixed.size(); ++b) {
    EXPECT_EQ(mixed[b].y, plain[b].y) << "the plan does not change";
    for (std::size_t i = 0; i < mixed[b].size; ++i, ++windows) {
      const float* x = mixed[b].x.data() + i * window;
      const int song = song_of(plain[b].x.data() + i * window);
      ASSERT_GE(song, 0);
      const int copy = song_of(x, tiny.via16k);
      if (copy >= 0) {
        EXPECT_EQ(copy, song) << "the copy of the planned song";
        ++from_copy;
      } else {
        EXPECT_EQ(song_of(x), song) << "else the planned song itself";
      }
    }
  }
  // 240 windows, half drawn from the copy: 120 +- 3.9 sigma.
  EXPECT_GT(from_copy, 90u) << from_copy << " of " << windows;
  EXPECT_LT(from_copy, 150u) << from_copy << " of " << windows;
  o.resample_prob = 1.0;
  for (const TrainBatch& b : epoch(o, 11))
    for (std::size_t i = 0; i < b.size; ++i) {
      EXPECT_GE(song_of(b.x.data() + i * window, tiny.via16k), 0);
    }
}

}  // namespace
}  // namespace genrec
