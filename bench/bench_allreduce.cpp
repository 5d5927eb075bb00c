// What data parallelism costs per training step on this machine: the default CNN's gradients
// averaged over the ranks (replicate_for_training: bucketed Gloo all-reduce), and a
// forward + backward of one rank's batch with batch norm synchronised across ranks against
// the same step with each rank's own statistics (the extra small all-reduces). Starts its
// ranks itself on 127.0.0.1 (or runs as one rank of a job set up by RANK/WORLD_SIZE/...);
// rank 0 prints the medians.
// Usage: bench_allreduce [--ranks 2] [--steps 30] [--batch 16] [--threads 1]
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>

#include "median.h"
#include "model/cnn_config.h"
#include "model/launch_env.h"
#include "model/local_launch.h"
#include "train/cnn.h"
#include "train/communicator.h"
#include "train/replica.h"

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  using namespace genrec;
  int ranks = 2, steps = 30, batch = 16, threads = 1;
  CLI::App app{"genrec data-parallel communication benchmark"};
  app.add_option("--ranks", ranks, "Local ranks to start");
  app.add_option("--steps", steps, "Timed steps");
  app.add_option("--batch", batch, "Windows per rank and step");
  app.add_option("--threads", threads, "Torch intra-op threads per rank");
  CLI11_PARSE(app, argc, argv);

  const LaunchEnv env = launch_env_from_environment();
  if (!env.distributed())
    return run_local_ranks(own_command_line_without("--ranks"), ranks) == 0 ? 0 : 1;

  torch::set_num_threads(threads);
  Communicator comm(env, std::chrono::seconds(60));
  const FeatureConfig features;
  const CnnConfig arch;
  GenreCnn net(arch, features, /*n_labels=*/10);
  net->train();
  std::int64_t n_params = 0;
  for (const auto& p : net->parameters()) n_params += p.numel();
  const auto n_frames = static_cast<std::int64_t>(features.frames_per_segment());
  torch::manual_seed(1 + env.rank);
  const torch::Tensor x = torch::randn({batch, features.n_mels, n_frames}) * 10 - 40;
  const torch::Tensor y = torch::randint(10, {batch}, torch::kInt64);

  // One step: forward + backward, then `reduce` (the gradient averaging), each timed.
  auto step = [&](const std::function<void()>& reduce) {
    net->zero_grad();
    const auto t0 = Clock::now();
    torch::nn::functional::cross_entropy(net->forward(x), y).backward();
    const auto t1 = Clock::now();
    if (reduce) reduce();
    const auto t2 = Clock::now();
    return std::pair<double, double>(std::chrono::duration<double>(t1 - t0).count(),
                                     std::chrono::duration<double>(t2 - t1).count());
  };
  std::vector<double> own_bn, synced_bn, all_reduce;
  for (int i = 0; i < steps + 3; ++i) {
    net->sync_batch_norm({});
    const double plain = step({}).first;
    const auto [synced, reduce] = step(replicate_for_training(comm, net));
    if (i < 3) continue;  // warm-up
    own_bn.push_back(plain);
    synced_bn.push_back(synced);
    all_reduce.push_back(reduce);
  }
  if (comm.is_root()) {
    std::cout << "ranks " << env.world_size << " x " << threads << " thread(s), batch " << batch
              << " per rank, default CNN (" << n_params << " parameters, " << n_params * 4 / 1024
              << " KiB of gradients)\n"
              << "gradient all-reduce per step: " << median(all_reduce) * 1e3 << " ms\n"
              << "forward + backward, own batch norm: " << median(own_bn) * 1e3 << " ms\n"
              << "forward + backward, synchronised batch norm: " << median(synced_bn) * 1e3
              << " ms\n";
  }
  return 0;
}
