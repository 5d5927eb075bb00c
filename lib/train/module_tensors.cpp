#include "train/module_tensors.h"

#include "audio/error.h"

namespace genrec {

TensorList module_tensors(const GenreCnn& net, const FeatureConfig& features, int n_labels) {
  torch::NoGradGuard no_grad;
  auto params = net->named_parameters();
  auto buffers = net->named_buffers();
  TensorList out;
  for (const TensorSpec& spec : net->config().member_tensor_specs(features, n_labels)) {
    const torch::Tensor* t = spec.parameter ? params.find(spec.name) : buffers.find(spec.name);
    if (!t) throw Error("model", "weights", "the module has no tensor '" + spec.name + "'");
    const torch::Tensor c = t->detach().to(torch::kFloat32).contiguous();
    NamedTensor nt;
    nt.name = spec.name;
    nt.shape = c.sizes().vec();
    nt.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    out.push_back(std::move(nt));
  }
  return out;
}

GenreModel model_from_module(ModelInfo info, const GenreCnn& net) {
  info.arch["ensemble"] = 1;  // one module: one network, whatever the config says
  TensorList tensors = module_tensors(net, info.features, static_cast<int>(info.labels.size()));
  return GenreModel(std::move(info), std::move(tensors));
}

}  // namespace genrec
