// The one symbol of libgenrec_train.so that the executable looks up (model/train_library.h).
#include <type_traits>

#include "model/train_library.h"
#include "train/trainer.h"

extern "C" __attribute__((visibility("default"))) void genrec_train_entry_v4(
    const genrec::TrainRequest* request, const genrec::TrainCallbacks* callbacks,
    genrec::TrainResult* result) {
  *result = genrec::train_model(*request, *callbacks);
}

static_assert(std::is_same_v<decltype(&genrec_train_entry_v4), genrec::TrainEntryFn>,
              "the entry point must match model/train_library.h");
