#pragma once
// The on-disk container of a model: the only code that knows the format.
//
// Layout (integers little-endian):
//   8 bytes  magic "GENRECMD"
//   u32      format version (kModelFormatVersion when written)
//   u64 H    header length, then H bytes of UTF-8 JSON (labels, features, arch, training)
//   u64 W    weights length, then W bytes of tensors:
//              u32 count, then per tensor: u32 name length, name (UTF-8), u32 rank,
//              rank x u64 dimensions, product(dimensions) x float32 values
//   u64      FNV-1a 64 of every byte before it
//   8 bytes  end magic "GENRECND"
// Version 1 stored the weights as a LibTorch archive; genrec no longer reads it.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "model/named_tensor.h"

namespace genrec {

inline constexpr int kModelFormatVersion = 2;

struct ModelFileContents {
  int format_version = 0;
  nlohmann::json header;
  TensorList tensors;
};

// Writes atomically (temporary file + rename). Throws genrec::Error("model", path, cause).
void write_model_file(const std::string& path, const nlohmann::json& header,
                      const TensorList& tensors);
// Throws genrec::Error("model", path, cause) for a missing, empty, truncated, corrupt, foreign
// older (version 1) or newer-version file, e.g. "model: 'x.genrec': truncated file (1024 bytes,
// expected at least 52311)".
ModelFileContents read_model_file(const std::string& path);
// The bytes of a model file (a regular file only). Throws genrec::Error("model", path, cause).
std::string read_model_bytes(const std::string& path);
// The same checks and parsing as read_model_file on bytes in memory; `path` names them.
ModelFileContents parse_model_file(const std::string& bytes, const std::string& path);

// The checksum field: FNV-1a 64 of every byte before it.
std::uint64_t model_file_checksum(const char* data, std::size_t n);
// Appends the checksum and the end magic to a file's bytes up to the weights (for tests and
// the fuzzer, which craft files that pass the checksum).
void seal_model_file(std::string& body);

}  // namespace genrec
