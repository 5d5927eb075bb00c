#include "report/prediction.h"

namespace genrec {

int argmax(const std::vector<float>& p) {
  int best = p.empty() ? -1 : 0;
  for (int i = 1; i < static_cast<int>(p.size()); ++i)
    if (p[i] > p[best]) best = i;
  return best;
}

}  // namespace genrec
