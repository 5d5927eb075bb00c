#include "train/replica.h"

namespace genrec {

void broadcast_from_root(Communicator& comm, GenreCnn& net) {
  // Views outside autograd that share the module's storage.
  std::vector<torch::Tensor> state;
  for (const torch::Tensor& p : net->parameters()) state.push_back(p.detach());
  for (const torch::Tensor& b : net->buffers()) state.push_back(b.detach());
  comm.broadcast(state);
}

std::function<void()> replicate_for_training(Communicator& comm, GenreCnn& net) {
  if (!comm.distributed()) return {};
  net->sync_batch_norm([&comm](const torch::Tensor& x) { return comm.sum_with_grad(x); });
  return [&comm, net] { comm.average_gradients(net->parameters()); };
}

}  // namespace genrec
