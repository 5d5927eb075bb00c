#pragma once
// A file a command writes, or "-" for standard output. Its path and format are checked before
// any work starts, so a typo costs nothing and nothing is written in a format other than the
// one its name says.
#include <string>
#include <vector>

namespace genrec {

struct OutputFile {
  std::string path;
  std::string format;  // lower-case extension without the dot ("png"); for "-" the default
  bool to_stdout() const { return path == "-"; }
};

// `formats` lists the accepted extensions, lower-case without the dot; "-" takes formats[0].
// Refuses an unknown extension, a missing parent folder and a path that is a folder.
// Throws genrec::Error(stage, path, cause).
OutputFile check_output_file(const std::string& path, const std::vector<std::string>& formats,
                             const std::string& stage);

// Writes bytes to standard output, or atomically to the path.
// Throws genrec::Error(stage, path, cause).
void write_output(const OutputFile& out, const std::string& bytes, const std::string& stage);

}  // namespace genrec
