// Data parallelism at the level of one step, in one process: two ranks (threads) over a real
// TCPStore and Gloo group on 127.0.0.1, each with its half of a batch, must end the backward
// pass with the gradients one network computes on the whole batch. This pins the averaging
// itself (a sum instead of an average would double every gradient, which AdamW's scale-free
// steps hide from an end-to-end comparison), the broadcast of rank 0's weights (rank 1 starts
// from other ones) and batch norm over the global batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "free_port.h"
#include "train/cnn.h"
#include "train/communicator.h"
#include "train/replica.h"
#include "train/train_step.h"

namespace genrec {
namespace {

constexpr int kLabels = 4;
constexpr std::int64_t kHalf = 6;  // windows per rank; the global batch is 12

GenreCnn make_net(std::uint64_t seed, const CnnConfig& arch, const FeatureConfig& features) {
  torch::manual_seed(seed);
  GenreCnn net(arch, features, kLabels);
  std::vector<float> mean(static_cast<std::size_t>(features.n_mels), -40.f);
  std::vector<float> std(mean.size(), 15.f);
  net->set_normalization(mean, std);
  net->train();
  return net;
}

// Forward and backward of the mean loss on `x`, `y`, with `reduce` after backward.
void backward(GenreCnn& net, const torch::Tensor& x, const torch::Tensor& y,
              const std::function<void()>& reduce) {
  const torch::Tensor loss = smoothed_cross_entropy(net->forward(x), y, /*smoothing=*/0.1);
  loss.backward();
  if (reduce) reduce();
}

std::vector<torch::Tensor> gradients(GenreCnn& net) {
  std::vector<torch::Tensor> out;
  for (const torch::Tensor& p : net->parameters()) out.push_back(p.grad().clone());
  return out;
}

// The largest |a - b| over every element, relative to the largest |b| of its tensor.
double worst_relative_difference(const std::vector<torch::Tensor>& a,
                                 const std::vector<torch::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const double scale = std::max(b[i].abs().max().item<double>(), 1e-12);
    worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>() / scale);
  }
  return worst;
}

// Two ranks of half the batch each against one network of the whole batch: gradients within
// `tolerance` of the largest of their tensor.
void expect_whole_batch_gradients(CnnConfig arch, double tolerance) {
  torch::set_num_threads(1);
  FeatureConfig features;
  arch.dropout = 0;  // dropout masks are drawn per rank
  const auto n_mels = static_cast<std::int64_t>(features.n_mels);
  const auto n_frames = static_cast<std::int64_t>(features.frames_per_segment());
  torch::manual_seed(11);
  const torch::Tensor x = torch::randn({2 * kHalf, n_mels, n_frames}) * 15 - 40;
  const torch::Tensor y = torch::randint(0, kLabels, {2 * kHalf}, torch::kInt64);

  // The reference: one network, the whole batch.
  GenreCnn whole = make_net(5, arch, features);
  backward(whole, x, y, {});
  const std::vector<torch::Tensor> expected = gradients(whole);

  // Rank 0 starts from the reference's weights, rank 1 from others that the broadcast replaces.
  std::vector<GenreCnn> nets{make_net(5, arch, features), make_net(6, arch, features)};
  std::vector<std::vector<torch::Tensor>> got(2);
  std::vector<std::string> errors(2);
  const int port = test::free_port();
  std::vector<std::thread> ranks;
  for (int r = 0; r < 2; ++r)
    ranks.emplace_back([&, r] {
      try {
        LaunchEnv env;
        env.rank = r;
        env.world_size = 2;
        env.master_port = port;
        Communicator comm(env, std::chrono::seconds(30));
        broadcast_from_root(comm, nets[r]);
        const std::function<void()> reduce = replicate_for_training(comm, nets[r]);
        backward(nets[r], x.narrow(0, r * kHalf, kHalf), y.narrow(0, r * kHalf, kHalf), reduce);
        got[r] = gradients(nets[r]);
        comm.barrier();
      } catch (const std::exception& e) {
        errors[r] = e.what();
      }
    });
  for (std::thread& t : ranks) t.join();
  ASSERT_EQ(errors[0], "");
  ASSERT_EQ(errors[1], "");

  // Both ranks hold the same gradients, bit for bit, and they are the whole batch's (float32
  // sums in another order: ~1e-6 relative; a sum instead of an average is off by 1).
  for (std::size_t i = 0; i < got[0].size(); ++i) EXPECT_TRUE(got[0][i].equal(got[1][i])) << i;
  EXPECT_LT(worst_relative_difference(got[0], expected), tolerance);
  // Batch norm's running statistics follow the whole batch's too.
  const std::vector<torch::Tensor> whole_buffers = whole->buffers();
  const std::vector<torch::Tensor> rank_buffers = nets[1]->buffers();
  EXPECT_LT(worst_relative_difference(rank_buffers, whole_buffers), 1e-4);
}

TEST(DataParallel, TwoRanksOfHalfABatchHaveTheWholeBatchsGradients) {
  expect_whole_batch_gradients(CnnConfig{}, 1e-4);
}

// The batch norms inside residual units are synchronised too. Float32 rounding alone leaves
// 2e-4 here (in float64, with LibTorch's pool, 1e-9); a branch normalised per rank is off by
// 0.28.
TEST(DataParallel, ResidualUnitsHaveTheWholeBatchsGradients) {
  CnnConfig arch;
  arch.channels = {8, 16};
  arch.residual_convs = 2;
  expect_whole_batch_gradients(arch, 1e-3);
}

}  // namespace
}  // namespace genrec
