#include "model/train_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

#include "audio/error.h"
#include "model/install_paths.h"

namespace genrec {

TrainResult train_with_library(const TrainRequest& request, const TrainCallbacks& callbacks) {
  // Checked before any work: a finished model is never replaced by accident. Resuming its own
  // checkpoint is the continuation of the run that will write it.
  std::error_code ec;
  const bool resuming = request.resume && std::filesystem::exists(checkpoint_path(request.out), ec);
  if (!request.force && !resuming && std::filesystem::exists(request.out, ec))
    throw Error("train", request.out, "already exists; pass --force to overwrite it");
  const std::string path = training_library_path();
  // LibTorch's c10d logs its own warnings through glog (read at load time); genrec reports
  // each failure in one line, so keep glog to fatal messages unless the user chose a level.
  ::setenv("GLOG_minloglevel", "3", /*overwrite=*/0);
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
