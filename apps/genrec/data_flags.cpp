#include "data_flags.h"

namespace genrec::cli {

void add_data_options(CLI::App* cmd, DataOptions& data) {
  cmd->add_option("--data", data.paths,
                  "Dataset: a folder of <genre>/ folders, a manifest FILE.csv|FILE.tsv "
                  "(path,label[,split]) or FMA's tracks.csv; repeat to use several together")
      ->required()
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--audio", data.audio_dir,
                  "FMA only: the audio folder (fma_small/, fma_medium/, ...)");
  cmd->add_option("--subset", data.subset,
                  "FMA only: small|medium|large (default: from the --audio folder name)")
      ->check(CLI::IsMember({"small", "medium", "large"}));
}

}  // namespace genrec::cli
