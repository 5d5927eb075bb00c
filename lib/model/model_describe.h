#pragma once
// The text form of GenreModel::describe() that `genrec info` prints. Torch-free.
#include <nlohmann/json.hpp>
#include <ostream>

namespace genrec {

// Aligned "key  value" lines: name, file, format version, labels, parameters, features,
// architecture, training data/split/seed/epochs, final and test metrics, date, command.
void write_model_description(std::ostream& out, const nlohmann::json& description);

}  // namespace genrec
