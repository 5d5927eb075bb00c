#include "train/checkpoint.h"

#include <fstream>
#include <sstream>

#include "audio/error.h"
#include "model/atomic_write.h"

namespace genrec {
namespace {

constexpr int kCheckpointVersion = 1;

nlohmann::json state_to_json(const TrainState& s) {
  return nlohmann::json{
      {"version", kCheckpointVersion}, {"next_epoch", s.next_epoch}, {"step", s.step},
      {"best_score", s.best_score},    {"best_loss", s.best_loss},   {"best_epoch", s.best_epoch},
      {"bad_epochs", s.bad_epochs},    {"stopped", s.stopped},       {"history", s.history},
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
    root.save_to(out);
  } catch (const c10::Error& e) {
    throw Error("checkpoint", path, e.what_without_backtrace());
  }
  write_file_atomic(path, out.str(), "checkpoint");
}

void load_checkpoint(const std::string& path, TrainState& state, TrainModules m) {
  nlohmann::json j;
  try {
    torch::serialize::InputArchive root, net, average, best, optimizer;
    root.load_from(path);
    c10::IValue text;
    root.read("state", text);
    j = nlohmann::json::parse(text.toStringRef());
    if (j.value("version", 0) != kCheckpointVersion)
      throw Error("checkpoint", path, "unsupported checkpoint version");
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
  } catch (const c10::Error& e) {
    throw Error("checkpoint", path, std::string("unreadable: ") + e.what_without_backtrace());
  } catch (const nlohmann::json::exception& e) {
    throw Error("checkpoint", path, std::string("corrupt state: ") + e.what());
  }
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
