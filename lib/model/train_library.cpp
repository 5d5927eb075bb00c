#include "model/train_library.h"

#include <dlfcn.h>

#include "audio/error.h"
#include "model/install_paths.h"

namespace genrec {

TrainResult train_with_library(const TrainRequest& request, const TrainCallbacks& callbacks) {
  const std::string path = training_library_path();
  // Never closed: LibTorch registers global state that must outlive the process's last use.
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) throw Error("train", path, std::string("cannot load: ") + dlerror());
  auto entry = reinterpret_cast<TrainEntryFn>(dlsym(library, kTrainEntrySymbol));
  if (!entry)
    throw Error("train", path,
                std::string("not a training library of this genrec (no ") + kTrainEntrySymbol +
                    "); rebuild it");
  TrainResult result;
  entry(&request, &callbacks, &result);
  return result;
}

}  // namespace genrec
