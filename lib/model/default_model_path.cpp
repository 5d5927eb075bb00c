// Where the shipped model is found: $GENREC_MODEL, then beside the executable.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "audio/error.h"
#include "model/genre_model.h"

namespace genrec {
namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace

std::string default_model_path() {
  if (const char* env = std::getenv("GENREC_MODEL"); env && *env) {
    if (!std::filesystem::exists(env))
      throw Error("model", env, "GENREC_MODEL names a file that does not exist");
    return env;
  }
  std::vector<std::filesystem::path> candidates;
  const std::filesystem::path dir = executable_dir();
  if (!dir.empty()) {
    candidates.push_back(dir / ".." / "share" / "genrec" / "models" / kDefaultModelFile);
    candidates.push_back(dir / ".." / ".." / "models" / kDefaultModelFile);
  }
  std::string looked;
  for (const auto& c : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(c, ec))
      return std::filesystem::weakly_canonical(c, ec).string();
    looked += (looked.empty() ? "" : ", ") + c.lexically_normal().string();
  }
  throw Error(
      "model", kDefaultModelFile,
      "default model not found (looked in: " + looked + "); pass --model FILE or set GENREC_MODEL");
}

}  // namespace genrec
