#include "model/install_paths.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "audio/error.h"

namespace genrec {
namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

// The first of dir/relative that is a file; throws naming every place looked.
std::string find_beside_executable(const std::vector<std::filesystem::path>& relative,
                                   const std::string& stage, const std::string& what,
                                   const std::string& hint) {
  const std::filesystem::path dir = executable_dir();
  std::string looked;
  for (const auto& r : relative) {
    if (dir.empty()) break;
    const std::filesystem::path c = dir / r;
    std::error_code ec;
    if (std::filesystem::is_regular_file(c, ec))
      return std::filesystem::weakly_canonical(c, ec).string();
    looked += (looked.empty() ? "" : ", ") + c.lexically_normal().string();
  }
  throw Error(stage, what, "not found (looked in: " + looked + ")" + hint);
}

}  // namespace

std::string default_model_path() {
  if (const char* env = std::getenv("GENREC_MODEL"); env && *env) {
    if (!std::filesystem::exists(env))
      throw Error("model", env, "GENREC_MODEL names a file that does not exist");
    return env;
  }
  const std::filesystem::path file = kDefaultModelFile;
  return find_beside_executable({"../share/genrec/models" / file, "../../models" / file}, "model",
                                kDefaultModelFile, "; pass --model FILE or set GENREC_MODEL");
}

std::string training_library_path() {
  const std::filesystem::path file = "libgenrec_train.so";
  return find_beside_executable({"../lib" / file, "../lib/genrec" / file}, "train", file.string(),
                                "; build it with cmake --build build --target genrec_train");
}

}  // namespace genrec
