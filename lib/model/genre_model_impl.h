#pragma once
// The LibTorch side of GenreModel (pimpl): the module and the information around it.
// Included only by lib/model sources that need torch (model I/O, training).
#include <string>

#include "model/cnn.h"
#include "model/genre_model.h"

namespace genrec {

class GenreModelImpl {
 public:
  GenreModelImpl(ModelInfo info, GenreCnn net) : info_(std::move(info)), net_(std::move(net)) {}
  const ModelInfo& info() const { return info_; }
  ModelInfo& info() { return info_; }
  // The module in eval mode; forward() on it is safe from several threads.
  GenreCnn& net() { return net_; }
  const std::string& source_path() const { return source_path_; }
  void set_source_path(std::string path) { source_path_ = std::move(path); }

 private:
  ModelInfo info_;
  GenreCnn net_;
  std::string source_path_;  // the file it was loaded from, if any
};

// A new model around `net` (copied into a fresh module, put in eval mode).
GenreModel make_genre_model(ModelInfo info, const GenreCnn& net);

}  // namespace genrec
