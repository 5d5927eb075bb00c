#include "model/cnn_inference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "audio/error.h"
#include "model/softmax.h"

namespace genrec {

struct CnnInference::Workspace {
  std::vector<FeatureMap> maps;  // maps[i]: input of conv i; the last: input of the pooling
  std::vector<float> grid;       // a convolution's output grid
  std::vector<float> pooled;     // the head's input
};

CnnInference::CnnInference(const CnnConfig& config, const FeatureConfig& features, int n_labels,
                           const TensorList& tensors)
    : config_(config),
      n_mels_(features.n_mels),
      n_frames_(static_cast<int>(features.frames_per_segment())),
      n_bands_(config.input_bands(features)),
      n_labels_(n_labels),
      layers_(config.conv_layers()) {
  const std::vector<TensorSpec> specs = config.tensor_specs(features, n_labels);
  const std::vector<const NamedTensor*> t = match_tensors(tensors, specs);
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].parameter) n_parameters_ += element_count(specs[i].shape);
  std::size_t next = 0;
  for (int m = 0; m < config.ensemble; ++m) {
    Member net;
    net.norm_mean = t[next++]->values;
    net.norm_std = t[next++]->values;
    int height = n_bands_, width = n_frames_;
    for (const ConvLayerSpec& l : layers_) {
      const std::vector<float>& w = t[next++]->values;
      const std::vector<float>& gamma = t[next++]->values;
      const std::vector<float>& beta = t[next++]->values;
      const std::vector<float>& mean = t[next++]->values;
      const std::vector<float>& var = t[next++]->values;
      // ref: torch.nn.BatchNorm2d in eval mode, y = (x - mean) / sqrt(var + eps) * gamma + beta,
      // folded into the bias-free convolution before it.
      const std::size_t taps = w.size() / static_cast<std::size_t>(l.out_channels);
      std::vector<float> folded(w.size()), bias(static_cast<std::size_t>(l.out_channels));
      for (int co = 0; co < l.out_channels; ++co) {
        const double scale = gamma[co] / std::sqrt(static_cast<double>(var[co]) + kBatchNormEps);
        for (std::size_t p = 0; p < taps; ++p)
          folded[co * taps + p] = static_cast<float>(w[co * taps + p] * scale);
        bias[co] = static_cast<float>(beta[co] - mean[co] * scale);
      }
      net.convs.emplace_back(folded, bias, l.in_channels, l.out_channels, config.kernel_size);
      if (l.pool_after) {
        height /= 2;
        width /= 2;
      }
      if (height < 1 || width < 1)
        throw Error("model", "arch",
                    "the input is too small for " + std::to_string(config.channels.size()) +
                        " pooling blocks");
    }
    net.head_weight = t[next++]->values;
    net.head_bias = t[next++]->values;
    members_.push_back(std::move(net));
  }
}

void CnnInference::forward_one(const float* logmel, float* logits, Workspace& ws) const {
  if (members_.size() == 1) {
    forward_member(members_[0], logmel, logits, ws);
    return;
  }
  // The ensemble's probabilities are the mean of its members'; returned as their log.
  std::vector<float> z(static_cast<std::size_t>(n_labels_));
  std::vector<double> mean(static_cast<std::size_t>(n_labels_), 0.0);
  for (const Member& net : members_) {
    forward_member(net, logmel, z.data(), ws);
    softmax_in_place(z.data(), z.size());
    for (int l = 0; l < n_labels_; ++l) mean[l] += z[l];
  }
  for (int l = 0; l < n_labels_; ++l)
    logits[l] = static_cast<float>(std::log(mean[l] / static_cast<double>(members_.size())));
}

void CnnInference::forward_member(const Member& net, const float* logmel, float* logits,
                                  Workspace& ws) const {
  // The input: the lowest n_bands bands, optionally relative to the window's maximum, then
  // normalised per band (ref: GenreCnnImpl::forward).
  FeatureMap& in = ws.maps[0];
  float ref = 0.0f;
  if (config_.input_reference == "window_max") {
    ref = -std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < static_cast<std::size_t>(n_bands_) * n_frames_; ++i)
      ref = std::max(ref, logmel[i]);
  }
  for (int b = 0; b < n_bands_; ++b) {
    const float* src = logmel + static_cast<std::size_t>(b) * n_frames_;
    float* dst = in.at(0, b, 0);
    for (int x = 0; x < n_frames_; ++x)
      dst[x] = (src[x] - ref - net.norm_mean[b]) / net.norm_std[b];
  }
  std::size_t skip = 0;  // the input map of the current residual unit
  for (std::size_t i = 0; i < net.convs.size(); ++i) {
    const FeatureMap& src = ws.maps[i];
    if (layers_[i].residual_start) skip = i;
    // ref: ResidualUnitImpl, ReLU(x + branch(x)): the branch's last batch norm has no ReLU of
    // its own.
    net.convs[i].forward(src, ws.grid, /*relu=*/!layers_[i].residual_end);
    if (layers_[i].residual_end) add_relu(ws.grid.data(), ws.maps[skip]);
    if (layers_[i].pool_after)
      max_pool_2x2(ws.grid.data(), src.height, src.row_stride(), ws.maps[i + 1]);
    else
      copy_grid(ws.grid.data(), src.height, src.width, src.row_stride(), ws.maps[i + 1]);
  }
  // Global pooling of the last map [c][h][w] (no border).
  FeatureMap& last = ws.maps.back();
  const int c_n = last.channels, h_n = last.height, w_n = last.width;
  std::vector<float>& pooled = ws.pooled;
  pooled.clear();
  auto mean_of = [](const float* v, int n) {
    double s = 0;
    for (int i = 0; i < n; ++i) s += v[i];
    return static_cast<float>(s / n);
  };
  auto max_of = [](const float* v, int n) { return *std::max_element(v, v + n); };
  const bool avg = config_.pooling != "max", max = config_.pooling != "avg";
  if (config_.pooling == "time_avgmax") {
    // ref: cat(mean over time [c][h], max over time [c][h]) flattened: means first.
    for (int c = 0; c < c_n; ++c)
      for (int y = 0; y < h_n; ++y) pooled.push_back(mean_of(last.at(c, y, 0), w_n));
    for (int c = 0; c < c_n; ++c)
      for (int y = 0; y < h_n; ++y) pooled.push_back(max_of(last.at(c, y, 0), w_n));
  } else {
    if (avg)
      for (int c = 0; c < c_n; ++c) pooled.push_back(mean_of(last.at(c, 0, 0), h_n * w_n));
    if (max)
      for (int c = 0; c < c_n; ++c) pooled.push_back(max_of(last.at(c, 0, 0), h_n * w_n));
  }
  const std::size_t n_in = pooled.size();
  for (int l = 0; l < n_labels_; ++l) {
    const float* w = net.head_weight.data() + static_cast<std::size_t>(l) * n_in;
    float z = net.head_bias[l];
    for (std::size_t j = 0; j < n_in; ++j) z += w[j] * pooled[j];
    logits[l] = z;
  }
}

std::vector<float> CnnInference::logits(const float* logmel, std::size_t batch, int threads) const {
  std::vector<float> out(batch * n_labels_);
  const std::size_t cell = static_cast<std::size_t>(n_mels_) * n_frames_;
  auto run = [&](std::size_t begin, std::size_t end) {
    if (begin >= end) return;
    Workspace ws;
    const std::vector<Conv2d>& convs = members_[0].convs;
    ws.maps.resize(convs.size() + 1);
    int height = n_bands_, width = n_frames_, channels = 1;
    for (std::size_t i = 0; i < convs.size(); ++i) {
      ws.maps[i].reset(channels, height, width, convs[i].kernel() / 2);
      channels = convs[i].out_channels();
      if (layers_[i].pool_after) {
        height /= 2;
        width /= 2;
      }
    }
    ws.maps.back().reset(channels, height, width, /*n_pad=*/0);
    for (std::size_t b = begin; b < end; ++b)
      forward_one(logmel + b * cell, out.data() + b * n_labels_, ws);
  };
  const std::size_t n_threads =
      std::min<std::size_t>(batch, static_cast<std::size_t>(std::max(1, threads)));
  if (n_threads <= 1) {
    run(0, batch);
    return out;
  }
  std::vector<std::thread> pool;
  const std::size_t per = (batch + n_threads - 1) / n_threads;
  for (std::size_t t = 1; t < n_threads; ++t)
    pool.emplace_back(run, t * per, std::min(batch, (t + 1) * per));
  run(0, std::min(batch, per));
  for (std::thread& th : pool) th.join();
  return out;
}

}  // namespace genrec
