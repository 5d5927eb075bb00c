#pragma once
// A network as one replica of a data-parallel job: what PyTorch's DistributedDataParallel and
// SyncBatchNorm do to a module, for GenreCnn over a Communicator.
#include <functional>

#include "train/cnn.h"
#include "train/communicator.h"

namespace genrec {

// Overwrites every parameter and buffer of `net` with rank 0's (every rank must call it).
void broadcast_from_root(Communicator& comm, GenreCnn& net);

// Makes `net` train as one replica: batch norm over the global batch, and the returned
// function, called after each backward, replaces every gradient with its average over the
// ranks. One process: `net` is left as it is and the function is empty.
std::function<void()> replicate_for_training(Communicator& comm, GenreCnn& net);

}  // namespace genrec
