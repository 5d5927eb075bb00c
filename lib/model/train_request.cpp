#include "model/train_request.h"

namespace genrec {

std::string checkpoint_path(const std::string& model_path) { return model_path + ".ckpt"; }
std::string metrics_path(const std::string& model_path) { return model_path + ".metrics.jsonl"; }

nlohmann::json EpochMetrics::to_json() const {
  nlohmann::json j{{"epoch", epoch}, {"loss", loss},       {"train_seg_acc", train_seg_acc},
                   {"lr", lr},       {"seconds", seconds}, {"windows_per_s", windows_per_s},
                   {"best", best}};
  if (n_members > 1) j["member"] = member;
  if (has_valid) {
    j["valid_loss"] = valid_loss;
    j["valid_seg_acc"] = valid_seg_acc;
    j["valid_song_acc"] = valid_song_acc;
  }
  return j;
}

}  // namespace genrec
