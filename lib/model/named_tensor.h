#pragma once
// Weights as plain named float arrays: what a model file stores, what the training side exports
// from its LibTorch module and what the inference network is built from. Torch-free.
#include <cstdint>
#include <string>
#include <vector>

namespace genrec {

struct NamedTensor {
  std::string name;                 // e.g. "blocks.0.weight"
  std::vector<std::int64_t> shape;  // row-major
  std::vector<float> values;        // product(shape) values
};
using TensorList = std::vector<NamedTensor>;

// What a tensor must be: its name, shape, and whether training learns it (a parameter) or
// tracks it (a buffer such as batch-norm running statistics).
struct TensorSpec {
  std::string name;
  std::vector<std::int64_t> shape;
  bool parameter = true;
};

// The number of values of a shape (1 for a scalar).
std::int64_t element_count(const std::vector<std::int64_t>& shape);
// "[16, 1, 3, 3]"
std::string shape_text(const std::vector<std::int64_t>& shape);

// The tensors of `specs`, in spec order, found by name in `tensors` and checked against the
// spec's shape. Throws genrec::Error("model", "weights", cause) naming a missing tensor, an
// unexpected one or a shape mismatch.
std::vector<const NamedTensor*> match_tensors(const TensorList& tensors,
                                              const std::vector<TensorSpec>& specs);

}  // namespace genrec
