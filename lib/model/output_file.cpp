#include "model/output_file.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "audio/error.h"
#include "model/atomic_write.h"

namespace genrec {

OutputFile check_output_file(const std::string& path, const std::vector<std::string>& formats,
                             const std::string& stage) {
  if (formats.empty()) throw Error(stage, path, "no output format");
  if (path == "-") return {path, formats.front()};
  if (path.empty()) throw Error(stage, path, "empty output path");
  namespace fs = std::filesystem;
  const fs::path p(path);
  std::string ext = p.extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string accepted;
  for (const std::string& f : formats) accepted += (accepted.empty() ? "." : ", .") + f;
  if (std::find(formats.begin(), formats.end(), ext) == formats.end())
    throw Error(
        stage, path,
        (ext.empty() ? std::string("no file extension") : "unsupported type '." + ext + "'") +
            " (use " + accepted + ", or - for " + formats.front() + " on stdout)");
  std::error_code ec;
  if (fs::is_directory(p, ec)) throw Error(stage, path, "is a folder");
  const fs::path parent = p.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw Error(stage, path, "folder '" + parent.string() + "' does not exist");
  return {path, ext};
}

void write_output(const OutputFile& out, const std::string& bytes, const std::string& stage) {
  if (!out.to_stdout()) {
    write_file_atomic(out.path, bytes, stage);
    return;
  }
  if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() ||
      std::fflush(stdout) != 0)
    throw Error(stage, "-", "cannot write to standard output");
}

}  // namespace genrec
