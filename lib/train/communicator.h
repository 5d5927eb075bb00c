#pragma once
// The ranks of a data-parallel training job talking to each other through LibTorch's c10d (the
// engine under PyTorch's DistributedDataParallel): rendezvous through a TCPStore served by
// rank 0 at MASTER_ADDR:MASTER_PORT, collectives over a Gloo process group. A Communicator of
// one process does nothing, so the trainer has one code path.
#include <torch/torch.h>

#include <chrono>
#include <string>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>
#include <vector>

#include "model/launch_env.h"

namespace genrec {

class Communicator {
 public:
  Communicator() = default;  // one process
  // Joins the job of `env` (every rank must call it); collectives and waits give up after
  // `timeout`. Throws genrec::Error("distributed", address or rank, cause): port in use,
  // unreachable MASTER_ADDR, ranks missing after `timeout`.
  Communicator(const LaunchEnv& env, std::chrono::seconds timeout);

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  bool is_root() const { return env_.rank == 0; }
  bool distributed() const { return env_.world_size > 1; }

  // Overwrites the tensors with rank 0's (same shapes on every rank).
  void broadcast(std::vector<torch::Tensor> tensors);
  // Replaces each tensor with its sum over the ranks.
  void all_reduce_sum(std::vector<torch::Tensor> tensors);
  // The gradients of `parameters` averaged over the ranks, in buckets of at most ~25 MB (the
  // bucket size of PyTorch's DistributedDataParallel) flattened into one all-reduce each.
  void average_gradients(const std::vector<torch::Tensor>& parameters);
  // x summed over the ranks, differentiable: the gradient flowing back to x is the sum of the
  // ranks' gradients of the result (what synchronised batch norm needs).
  torch::Tensor sum_with_grad(const torch::Tensor& x);

  // Rank 0's `value` on every rank (rank 0 passes it; the others' argument is ignored); waits
  // up to `wait` for rank 0 to publish it. Keys must be unique within a job.
  std::string share_from_root(const std::string& key, const std::string& value,
                              std::chrono::seconds wait);
  // Throws genrec::Error naming `what` on every rank whose `value` differs from rank 0's.
  void check_same_as_root(const std::string& what, const std::string& value);
  // Returns when every rank has called it (after that, rank 0 may leave: no rank needs the
  // rendezvous it serves any more).
  void barrier();

 private:
  // Runs a c10d call, turning its errors into one-line genrec::Errors that name this rank.
  template <class F>
  auto guarded(const char* action, F&& f) -> decltype(f());

  LaunchEnv env_;
  std::chrono::seconds timeout_{0};
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroup> group_;
};

}  // namespace genrec
