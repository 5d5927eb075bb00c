#include "model/named_tensor.h"

#include <map>

#include "audio/error.h"

namespace genrec {

std::int64_t element_count(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::vector<const NamedTensor*> match_tensors(const TensorList& tensors,
                                              const std::vector<TensorSpec>& specs) {
  auto fail = [](const std::string& cause) { throw Error("model", "weights", cause); };
  std::map<std::string, const NamedTensor*> by_name;
  for (const NamedTensor& t : tensors) {
    if (!by_name.emplace(t.name, &t).second) fail("tensor '" + t.name + "' appears twice");
    if (static_cast<std::int64_t>(t.values.size()) != element_count(t.shape))
      fail("tensor '" + t.name + "' holds " + std::to_string(t.values.size()) +
           " values for shape " + shape_text(t.shape));
  }
  std::vector<const NamedTensor*> out;
  for (const TensorSpec& s : specs) {
    auto it = by_name.find(s.name);
    if (it == by_name.end()) fail("tensor '" + s.name + "' is missing");
    if (it->second->shape != s.shape)
      fail("tensor '" + s.name + "' has shape " + shape_text(it->second->shape) +
           ", the architecture needs " + shape_text(s.shape));
    out.push_back(it->second);
    by_name.erase(it);
  }
  if (!by_name.empty())
    fail("tensor '" + by_name.begin()->first + "' is not part of the architecture");
  return out;
}

}  // namespace genrec
