#include "model/genre_model.h"

#include <torch/torch.h>

#include <sstream>

#include "audio/error.h"
#include "model/feature_config_json.h"
#include "model/genre_model_impl.h"
#include "model/model_file.h"

namespace genrec {
namespace {

nlohmann::json header_of(const ModelInfo& info) {
  return nlohmann::json{{"name", info.name},
                        {"labels", info.labels},
                        {"features", feature_config_to_json(info.features)},
                        {"arch", info.arch},
                        {"training", info.training}};
}

ModelInfo info_from_header(const nlohmann::json& h, int format_version) {
  ModelInfo info;
  info.format_version = format_version;
  info.name = h.value("name", std::string());
  info.labels = h.at("labels").get<std::vector<std::string>>();
  if (info.labels.empty()) throw Error("model", "labels", "no labels");
  info.features = feature_config_from_json(h.at("features"));
  info.arch = h.at("arch");
  info.training = h.value("training", nlohmann::json::object());
  return info;
}

}  // namespace

GenreModel::GenreModel(std::shared_ptr<GenreModelImpl> impl) : impl_(std::move(impl)) {}

GenreModel make_genre_model(ModelInfo info, const GenreCnn& net) {
  const CnnConfig arch = CnnConfig::from_json(info.arch);
  GenreCnn copy(arch, info.features.n_mels, static_cast<int>(info.labels.size()));
  copy_weights(copy, net);
  copy->eval();
  info.format_version = kModelFormatVersion;
  return GenreModel(std::make_shared<GenreModelImpl>(std::move(info), std::move(copy)));
}

GenreModel GenreModel::load(const std::string& path) {
  ModelFileContents contents = read_model_file(path);
  ModelInfo info;
  GenreCnn net{nullptr};
  try {
    info = info_from_header(contents.header, contents.format_version);
    net = GenreCnn(CnnConfig::from_json(info.arch), info.features.n_mels,
                   static_cast<int>(info.labels.size()));
  } catch (const Error& e) {
    throw Error("model", path, std::string("invalid header: ") + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw Error("model", path, std::string("invalid header: ") + e.what());
  }
  try {
    std::istringstream in(contents.weights);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    net->load(archive);
  } catch (const c10::Error& e) {
    throw Error(
        "model", path,
        std::string("weights do not match the architecture: ") + e.what_without_backtrace());
  }
  net->eval();
  auto impl = std::make_shared<GenreModelImpl>(std::move(info), std::move(net));
  impl->set_source_path(path);
  return GenreModel(std::move(impl));
}

void GenreModel::save(const std::string& path) const {
  std::ostringstream out;
  torch::serialize::OutputArchive archive;
  impl_->net()->save(archive);
  archive.save_to(out);
  write_model_file(path, header_of(impl_->info()), out.str());
}

const ModelInfo& GenreModel::info() const { return impl_->info(); }

std::size_t GenreModel::n_labels() const { return impl_->info().labels.size(); }

std::vector<float> GenreModel::logits(const float* logmel, std::size_t batch) const {
  const FeatureConfig& f = impl_->info().features;
  const auto n_frames = static_cast<std::int64_t>(f.frames_per_segment());
  std::vector<float> result(batch * n_labels());
  if (batch == 0) return result;
  c10::InferenceMode guard;
  auto x = torch::from_blob(const_cast<float*>(logmel),
                            {static_cast<std::int64_t>(batch), f.n_mels, n_frames});
  auto y = impl_->net()->forward(x).contiguous();
  std::copy(y.data_ptr<float>(), y.data_ptr<float>() + result.size(), result.begin());
  return result;
}

std::vector<float> GenreModel::probabilities(const float* logmel, std::size_t batch) const {
  std::vector<float> z = logits(logmel, batch);
  if (batch == 0) return z;
  c10::InferenceMode guard;
  auto p = torch::from_blob(
               z.data(), {static_cast<std::int64_t>(batch), static_cast<std::int64_t>(n_labels())})
               .softmax(/*dim=*/1)
               .contiguous();
  std::copy(p.data_ptr<float>(), p.data_ptr<float>() + z.size(), z.begin());
  return z;
}

nlohmann::json GenreModel::describe() const {
  const ModelInfo& info = impl_->info();
  nlohmann::json j = header_of(info);
  j["format_version"] = info.format_version;
  j["n_parameters"] = impl_->net()->n_parameters();
  j["input"] = {{"n_mels", info.features.n_mels},
                {"frames", info.features.frames_per_segment()},
                {"unit", "dB log-Mel, normalised per band inside the model"}};
  if (!impl_->source_path().empty()) j["file"] = impl_->source_path();
  return j;
}

}  // namespace genrec
