#pragma once
// LibTorch's intra-op thread count, which is process-wide. The server runs up to max_jobs
// forward passes side by side, so one thread each keeps the cores busy without
// oversubscribing them (the server's only Torch-facing file besides the model it is given).
namespace genrec {

// Sets the intra-op threads of every later forward pass; n >= 1.
void set_inference_threads(int n);

}  // namespace genrec
