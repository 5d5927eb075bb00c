#include "train/checkpoint.h"

#include <fstream>
#include <sstream>

#include "audio/error.h"
#include "model/atomic_write.h"

namespace genrec {
namespace {

constexpr int kCheckpointVersion = 2;

std::string finished_key(int member, const std::string& name) {
  return "finished." + std::to_string(member) + "." + name;
}

nlohmann::json state_to_json(const TrainState& s) {
  return nlohmann::json{{"version", kCheckpointVersion},
                        {"member", s.member},
                        {"finished_records", s.finished_records},
                        {"next_epoch", s.next_epoch},
                        {"step", s.step},
                        {"best_score", s.best_score},
                        {"best_loss", s.best_loss},
                        {"best_epoch", s.best_epoch},
                        {"bad_epochs", s.bad_epochs},
                        {"stopped", s.stopped},
                        {"history", s.history},
                        {"fingerprint", s.fingerprint}};
}

}  // namespace

void save_checkpoint(const std::string& path, const TrainState& state, TrainModules m) {
  std::ostringstream out;
  try {
    torch::serialize::OutputArchive root, net, average, best, optimizer;
    m.net->save(net);
    m.average->save(average);
    m.best->save(best);
    m.optimizer.save(optimizer);
    root.write("state", c10::IValue(state_to_json(state).dump()));
    root.write("net", net);
    root.write("average", average);
    root.write("best", best);
    root.write("optimizer", optimizer);
    for (std::size_t m_i = 0; m_i < state.finished.size(); ++m_i)
      for (const NamedTensor& t : state.finished[m_i])
        root.write(finished_key(static_cast<int>(m_i), t.name),
                   torch::tensor(t.values).reshape(t.shape));
    root.save_to(out);
  } catch (const c10::Error& e) {
    throw Error("checkpoint", path, e.what_without_backtrace());
  }
  write_file_atomic(path, out.str(), "checkpoint");
}

void load_checkpoint(const std::string& path, TrainState& state, TrainModules m,
                     const std::vector<TensorSpec>& member_specs) {
  load_checkpoint_bytes(path, read_checkpoint_bytes(path), state, m, member_specs);
}

std::string read_checkpoint_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  if (!in || !(bytes << in.rdbuf())) throw Error("checkpoint", path, "cannot read");
  return bytes.str();
}

void load_checkpoint_bytes(const std::string& path, const std::string& bytes, TrainState& state,
                           TrainModules m, const std::vector<TensorSpec>& member_specs) {
  nlohmann::json j;
  try {
    torch::serialize::InputArchive root, net, average, best, optimizer;
    root.load_from(bytes.data(), bytes.size());
    c10::IValue text;
    root.read("state", text);
    j = nlohmann::json::parse(text.toStringRef());
    if (j.value("version", 0) != kCheckpointVersion)
      throw Error("checkpoint", path,
                  "checkpoint version " + std::to_string(j.value("version", 0)) +
                      ", this genrec reads version " + std::to_string(kCheckpointVersion) +
                      "; remove it or train without --resume");
    if (j.at("fingerprint") != state.fingerprint)
      throw Error("checkpoint", path,
                  "written by a run with another config, split, seed or dataset; "
                  "remove it or train without --resume");
    root.read("net", net);
    root.read("average", average);
    root.read("best", best);
    root.read("optimizer", optimizer);
    m.net->load(net);
    m.average->load(average);
    m.best->load(best);
    m.optimizer.load(optimizer);
    state.finished.clear();
    for (int f = 0; f < j.at("member").get<int>(); ++f) {
      TensorList tensors;
      for (const TensorSpec& spec : member_specs) {
        torch::Tensor t;
        root.read(finished_key(f, spec.name), t);
        t = t.to(torch::kFloat32).contiguous();
        tensors.push_back(
            {spec.name, t.sizes().vec(),
             std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel())});
      }
      state.finished.push_back(std::move(tensors));
    }
  } catch (const c10::Error& e) {
    throw Error("checkpoint", path, std::string("unreadable: ") + e.what_without_backtrace());
  } catch (const nlohmann::json::exception& e) {
    throw Error("checkpoint", path, std::string("corrupt state: ") + e.what());
  }
  state.member = j.at("member").get<int>();
  state.finished_records = j.at("finished_records");
  state.next_epoch = j.at("next_epoch").get<int>();
  state.step = j.at("step").get<std::int64_t>();
  state.best_score = j.at("best_score").get<double>();
  state.best_loss = j.at("best_loss").get<double>();
  state.best_epoch = j.at("best_epoch").get<int>();
  state.bad_epochs = j.at("bad_epochs").get<int>();
  state.stopped = j.at("stopped").get<bool>();
  state.history = j.at("history");
}

}  // namespace genrec
