#include "server/inference_threads.h"

#include <ATen/Parallel.h>

#include <algorithm>

namespace genrec {

void set_inference_threads(int n) { at::set_num_threads(std::max(1, n)); }

}  // namespace genrec
