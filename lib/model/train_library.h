#pragma once
// `genrec train` without linking LibTorch into the executable: the trainer lives in
// libgenrec_train.so (lib/train), loaded with dlopen on first use, so every other command
// starts without LibTorch's ~300 shared libraries (about 1 s here).
#include "model/train_request.h"

namespace genrec {

// The symbol the training library exports; its signature is TrainEntryFn. The suffix changes
// whenever TrainRequest, TrainCallbacks or TrainResult change, so a stale library is refused.
inline constexpr const char* kTrainEntrySymbol = "genrec_train_entry_v4";
using TrainEntryFn = void (*)(const TrainRequest* request, const TrainCallbacks* callbacks,
                              TrainResult* result);

// Loads the training library (training_library_path()) and runs its trainer. Throws
// genrec::Error("train", out, ...) first when the model file exists (unless request.force, or
// request.resume with its checkpoint there), genrec::Error("train", library, cause) when the
// library cannot be loaded, and whatever training throws.
TrainResult train_with_library(const TrainRequest& request, const TrainCallbacks& callbacks);

}  // namespace genrec
