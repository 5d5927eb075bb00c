#pragma once
// Writing a file so that readers (and a process killed mid-write) see either the old file or
// the complete new one: temporary file beside it, fsync, rename.
#include <string>

namespace genrec {

// Writes bytes to path atomically. Throws genrec::Error(stage, path, cause) on failure.
void write_file_atomic(const std::string& path, const std::string& bytes, const std::string& stage);

}  // namespace genrec
