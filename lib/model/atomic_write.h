#pragma once
// Writing a file so that readers (and a process killed mid-write) see either the old file or
// the complete new one: temporary file beside it, fsync, rename.
#include <string>
#include <vector>

namespace genrec {

// Writes bytes to path atomically, first removing temporaries of path that killed writers left
// (remove_stale_temporaries). Throws genrec::Error(stage, path, cause) on failure.
void write_file_atomic(const std::string& path, const std::string& bytes, const std::string& stage);

// Removes the temporaries "<path>.tmp-<pid>" that a killed writer left beside path (those of
// live processes stay). Returns the removed files.
std::vector<std::string> remove_stale_temporaries(const std::string& path);

}  // namespace genrec
