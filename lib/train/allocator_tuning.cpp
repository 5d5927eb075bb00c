#include "train/allocator_tuning.h"

#include <cstdlib>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace genrec {

void tune_allocator_for_tensors() {
#if defined(__GLIBC__)
  // ref: mallopt(3). M_MMAP_MAX 0: big blocks come from the heap too (other threads' arenas
  // fall back to the main one for blocks above their 64 MB heaps); no trimming; 256 MB of slack.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 256 << 20);
#endif
}

}  // namespace genrec
