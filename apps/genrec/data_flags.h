#pragma once
// The dataset flags of train, preprocess and eval: --data (repeatable), --audio, --subset.
#include <CLI/CLI.hpp>

#include "data/data_source.h"

namespace genrec::cli {

void add_data_options(CLI::App* cmd, DataOptions& data);

}  // namespace genrec::cli
