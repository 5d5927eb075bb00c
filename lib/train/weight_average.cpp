#include "train/weight_average.h"

#include <algorithm>

namespace genrec {

WeightAverage::WeightAverage(GenreCnn average, double decay)
    : average_(std::move(average)), decay_(decay) {}

// ref: timm ModelEmaV2 / TensorFlow ExponentialMovingAverage(num_updates) warm-up.
void WeightAverage::update(const GenreCnn& model, std::int64_t step) {
  torch::NoGradGuard no_grad;
  const double d = std::min(decay_, (1.0 + static_cast<double>(step)) / (10.0 + step));
  auto src_params = model->named_parameters();
  for (auto& item : average_->named_parameters())
    item.value().mul_(d).add_(src_params[item.key()], /*alpha=*/1.0 - d);
  auto src_buffers = model->named_buffers();
  for (auto& item : average_->named_buffers()) {
    const torch::Tensor& src = src_buffers[item.key()];
    const bool running = item.key().find("running_") != std::string::npos;
    if (running && src.is_floating_point())
      item.value().mul_(d).add_(src, /*alpha=*/1.0 - d);
    else
      item.value().copy_(src);
  }
}

}  // namespace genrec
