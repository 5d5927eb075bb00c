#pragma once
// The one exception type of the library. Messages read "stage: object: cause",
// e.g. "decode: 'x.au': unknown format", so callers can print them as they are.
#include <stdexcept>
#include <string>

namespace genrec {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  Error(const std::string& stage, const std::string& object, const std::string& cause)
      : std::runtime_error(stage + ": '" + object + "': " + cause) {}
};

}  // namespace genrec
