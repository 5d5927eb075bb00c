#pragma once
// The on-disk container of a model: the only code that knows the format.
//
// Layout (integers little-endian):
//   8 bytes  magic "GENRECMD"
//   u32      format version (kModelFormatVersion when written)
//   u64 H    header length, then H bytes of UTF-8 JSON (labels, features, arch, training)
//   u64 W    weights length, then W bytes of a LibTorch archive (torch::serialize)
//   u64      FNV-1a 64 of every byte before it
//   8 bytes  end magic "GENRECND"
#include <nlohmann/json.hpp>
#include <string>

namespace genrec {

inline constexpr int kModelFormatVersion = 1;

struct ModelFileContents {
  int format_version = 0;
  nlohmann::json header;
  std::string weights;  // serialized LibTorch archive
};

// Writes atomically (temporary file + rename). Throws genrec::Error("model", path, cause).
void write_model_file(const std::string& path, const nlohmann::json& header,
                      const std::string& weights);
// Throws genrec::Error("model", path, cause) for a missing, empty, truncated, corrupt, foreign
// or newer-version file, e.g. "model: 'x.genrec': truncated file (1024 of 52311 bytes)".
ModelFileContents read_model_file(const std::string& path);

}  // namespace genrec
