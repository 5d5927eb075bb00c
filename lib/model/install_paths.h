#pragma once
// Where genrec finds what it ships beside the executable: the default model and the training
// library (LibTorch is loaded only by `genrec train`, from that library).
#include <string>

namespace genrec {

// The file name of the shipped model inside models/.
inline constexpr const char* kDefaultModelFile = "genrec-gtzan-290.genrec";

// The model shipped with genrec: $GENREC_MODEL if set, else models/genrec-gtzan-290.genrec
// found beside the executable (<exe_dir>/../share/genrec/models, <exe_dir>/../../models for
// build/bin/genrec in a checkout). Throws genrec::Error naming the places looked.
std::string default_model_path();

// The training library (libgenrec_train.so) beside the executable: <exe_dir>/../lib (the build
// tree's build/lib) or <exe_dir>/../lib/genrec. Throws genrec::Error naming the places looked.
std::string training_library_path();

}  // namespace genrec
