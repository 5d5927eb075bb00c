#pragma once
// Process-wide malloc settings for LibTorch on CPU. By default glibc serves big blocks (a
// batch's activations are tens of MB) with fresh mmap()s and trims freed memory back to the
// OS, so every training step page-faults its activations in again; on the 2-core machine this
// was measured at 5-10x slower per step (sys time dominated). Keeping freed blocks in the heap
// for reuse is what PyTorch's docs get from jemalloc/tcmalloc.
namespace genrec {

// Serve allocations from the heap (no per-block mmap), never trim it. Idempotent; call once
// before training or batched inference. A no-op where the C library is not glibc.
void tune_allocator_for_tensors();

}  // namespace genrec
