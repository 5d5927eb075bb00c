#include "train/communicator.h"

#include <cstdlib>
#include <functional>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "audio/error.h"

namespace genrec {
namespace {

// ref: torch.nn.parallel.DistributedDataParallel(bucket_cap_mb=25).
constexpr std::size_t kBucketBytes = 25u << 20;

std::string first_line(const std::string& text) {
  const std::size_t end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

std::string what_of(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

void wait_for(const c10::intrusive_ptr<c10d::Work>& work) { work->wait(); }

std::vector<std::uint8_t> bytes_of(const std::string& s) {
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

// The cross-rank sum as an autograd function: forward all-reduces the value, backward the
// incoming gradient (d/dx_r of f(sum_r x_r) summed over every rank's f).
struct CrossRankSum : torch::autograd::Function<CrossRankSum> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               Communicator* comm) {
    ctx->saved_data["comm"] = reinterpret_cast<std::int64_t>(comm);
    torch::Tensor sum = x.detach().clone();
    comm->all_reduce_sum({sum});
    return sum;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto* comm = reinterpret_cast<Communicator*>(ctx->saved_data["comm"].toInt());
    torch::Tensor g = grads[0].contiguous().clone();
    comm->all_reduce_sum({g});
    return {g, torch::Tensor()};
  }
};

}  // namespace

template <class F>
auto Communicator::guarded(const char* action, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("distributed",
                "rank " + std::to_string(env_.rank) + " of " + std::to_string(env_.world_size),
                std::string(action) +
                    " failed (another rank died, hung or disagrees): " + first_line(what_of(e)));
  }
}

Communicator::Communicator(const LaunchEnv& env, std::chrono::seconds timeout)
    : env_(env), timeout_(timeout) {
  if (!env.distributed()) return;
  const std::string address = env.master_addr + ":" + std::to_string(env.master_port);
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(env.master_port);
  options.isServer = env.rank == 0;
  options.numWorkers = static_cast<std::size_t>(env.world_size);
  options.waitWorkers = true;
  options.timeout = timeout;
  try {
    store_ = c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
  } catch (const std::exception& e) {
    throw Error("distributed", address,
                std::string(env.rank == 0 ? "cannot serve the rendezvous (port in use?): "
                                          : "cannot reach rank 0's rendezvous: ") +
                    first_line(what_of(e)));
  }
  check_same_as_root("the world size", std::to_string(env.world_size));
  guarded("forming the Gloo group", [&] {
    auto gloo = c10d::ProcessGroupGloo::Options::create(timeout);
    const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
    gloo->devices.push_back(ifname && *ifname
                                ? c10d::ProcessGroupGloo::createDeviceForInterface(ifname)
                                : c10d::ProcessGroupGloo::createDefaultDevice());
    group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(
        c10::make_intrusive<c10d::PrefixStore>("gloo", store_), env.rank, env.world_size, gloo);
    return 0;
  });
}

void Communicator::broadcast(std::vector<torch::Tensor> tensors) {
  if (!distributed()) return;
  guarded("broadcast", [&] {
    for (torch::Tensor& t : tensors) {
      std::vector<torch::Tensor> one{t};
      wait_for(group_->broadcast(one));
    }
    return 0;
  });
}

void Communicator::all_reduce_sum(std::vector<torch::Tensor> tensors) {
  if (!distributed()) return;
  guarded("all-reduce", [&] {
    wait_for(group_->allreduce(tensors));
    return 0;
  });
}

void Communicator::average_gradients(const std::vector<torch::Tensor>& parameters) {
  if (!distributed()) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> bucket;
  std::size_t bytes = 0;
  auto flush = [&] {
    if (bucket.empty()) return;
    std::vector<torch::Tensor> flat_views;
    for (const torch::Tensor& g : bucket) flat_views.push_back(g.reshape({-1}));
    torch::Tensor flat = torch::cat(flat_views);
    all_reduce_sum({flat});
    flat.div_(static_cast<double>(env_.world_size));
    std::int64_t at = 0;
    for (torch::Tensor& g : bucket) {
      g.copy_(flat.narrow(/*dim=*/0, at, g.numel()).view_as(g));
      at += g.numel();
    }
    bucket.clear();
    bytes = 0;
  };
  for (const torch::Tensor& p : parameters) {
    torch::Tensor g = p.mutable_grad();
    if (!g.defined()) continue;  // the same on every rank: one graph, one architecture
    bucket.push_back(g);
    bytes += static_cast<std::size_t>(g.numel()) * g.element_size();
    if (bytes >= kBucketBytes) flush();
  }
  flush();
}

void Communicator::barrier() {
  if (!distributed()) return;
  guarded("barrier", [&] {
    wait_for(group_->barrier());
    return 0;
  });
}

torch::Tensor Communicator::sum_with_grad(const torch::Tensor& x) {
  if (!distributed()) return x;
  return CrossRankSum::apply(x, this);
}

std::string Communicator::share_from_root(const std::string& key, const std::string& value,
                                          std::chrono::seconds wait) {
  if (!distributed()) return value;
  return guarded("waiting for rank 0", [&] {
    if (is_root()) {
      store_->set(key, bytes_of(value));
      return value;
    }
    store_->wait({key}, wait);
    const std::vector<std::uint8_t> got = store_->get(key);
    return std::string(got.begin(), got.end());
  });
}

void Communicator::check_same_as_root(const std::string& what, const std::string& value) {
  if (!distributed()) return;
  const std::string root = share_from_root("same/" + what, value, timeout_);
  if (root != value)
    throw Error("distributed", "rank " + std::to_string(env_.rank),
                what +
                    ": not the same as rank 0's (every rank must run the same command on "
                    "the same data)");
}

}  // namespace genrec
