#include "model/model_file.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "audio/error.h"
#include "model/atomic_write.h"

namespace genrec {
namespace {

constexpr char kMagic[] = "GENRECMD";
constexpr char kEndMagic[] = "GENRECND";
constexpr std::size_t kMagicSize = 8;
constexpr std::uint64_t kMaxHeaderBytes = 64ull << 20;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get_le(const std::string& s, std::size_t pos, int n_bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < n_bytes; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[pos + i])) << (8 * i);
  return v;
}

void put_f32(std::string& out, float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  put_u32(out, bits);
}

std::string encode_tensors(const TensorList& tensors) {
  std::string out;
  put_u32(out, static_cast<std::uint32_t>(tensors.size()));
  for (const NamedTensor& t : tensors) {
    put_u32(out, static_cast<std::uint32_t>(t.name.size()));
    out += t.name;
    put_u32(out, static_cast<std::uint32_t>(t.shape.size()));
    for (std::int64_t d : t.shape) put_u64(out, static_cast<std::uint64_t>(d));
    for (float v : t.values) put_f32(out, v);
  }
  return out;
}

// Reads the tensor section bytes[pos, end). Throws with a cause for a malformed section.
TensorList decode_tensors(const std::string& bytes, std::size_t pos, std::size_t end) {
  auto need = [&](std::uint64_t n) {
    if (n > end - pos) throw std::runtime_error("weights section ends inside a tensor");
  };
  need(4);
  const std::uint64_t count = get_le(bytes, pos, 4);
  pos += 4;
  TensorList tensors;
  for (std::uint64_t i = 0; i < count; ++i) {
    NamedTensor t;
    need(4);
    const std::uint64_t name_len = get_le(bytes, pos, 4);
    pos += 4;
    need(name_len + 4);
    t.name = bytes.substr(pos, name_len);
    pos += name_len;
    const std::uint64_t rank = get_le(bytes, pos, 4);
    pos += 4;
    if (rank > 8)
      throw std::runtime_error("tensor '" + t.name + "' has rank " + std::to_string(rank));
    need(8 * rank);
    std::uint64_t n = 1;
    for (std::uint64_t r = 0; r < rank; ++r, pos += 8) {
      const std::uint64_t d = get_le(bytes, pos, 8);
      if (d > (end - pos) / 4) throw std::runtime_error("tensor '" + t.name + "' is too large");
      t.shape.push_back(static_cast<std::int64_t>(d));
      n *= d;
      if (n > (end - pos) / 4) throw std::runtime_error("weights section ends inside a tensor");
    }
    need(4 * n);
    t.values.resize(n);
    for (std::uint64_t k = 0; k < n; ++k, pos += 4) {
      const auto bits = static_cast<std::uint32_t>(get_le(bytes, pos, 4));
      std::memcpy(&t.values[k], &bits, sizeof bits);
    }
    tensors.push_back(std::move(t));
  }
  if (pos != end) throw std::runtime_error("weights section has trailing bytes");
  return tensors;
}

}  // namespace

std::uint64_t model_file_checksum(const char* data, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 1099511628211ull;
  }
  return h;
}

void seal_model_file(std::string& body) {
  put_u64(body, model_file_checksum(body.data(), body.size()));
  body.append(kEndMagic, kMagicSize);
}

void write_model_file(const std::string& path, const nlohmann::json& header,
                      const TensorList& tensors) {
  const std::string header_text = header.dump();
  const std::string weights = encode_tensors(tensors);
  std::string out;
  out.reserve(kMagicSize * 2 + 4 + 8 * 3 + header_text.size() + weights.size());
  out.append(kMagic, kMagicSize);
  put_u32(out, static_cast<std::uint32_t>(kModelFormatVersion));
  put_u64(out, header_text.size());
  out += header_text;
  put_u64(out, weights.size());
  out += weights;
  seal_model_file(out);
  write_file_atomic(path, out, "model");
}

std::string read_model_bytes(const std::string& path) {
  auto fail = [&](const std::string& cause) { throw Error("model", path, cause); };
  std::error_code ec;
  // A FIFO or device as --model would block or never end.
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    fail("not a regular file (a FIFO, socket or device): refused");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open file (missing or unreadable)");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail("read error");
  return bytes;
}

ModelFileContents read_model_file(const std::string& path) {
  return parse_model_file(read_model_bytes(path), path);
}

ModelFileContents parse_model_file(const std::string& bytes, const std::string& path) {
  auto fail = [&](const std::string& cause) { throw Error("model", path, cause); };
  if (bytes.empty()) fail("empty file");

  const std::size_t n = bytes.size();
  const std::size_t n_magic = std::min(n, kMagicSize);
  if (std::memcmp(bytes.data(), kMagic, n_magic) != 0)
    fail("not a genrec model file (unknown format)");
  auto truncated = [&](std::size_t expected) {
    fail("truncated file (" + std::to_string(n) + " bytes, expected at least " +
         std::to_string(expected) + ")");
  };
  std::size_t pos = kMagicSize + 4;
  if (n < pos) truncated(pos);

  ModelFileContents c;
  const std::uint32_t version = static_cast<std::uint32_t>(get_le(bytes, kMagicSize, 4));
  if (version == 0) fail("corrupt file (format version 0)");
  if (version > static_cast<std::uint32_t>(kModelFormatVersion))
    fail("format version " + std::to_string(version) + " is newer than this genrec reads (" +
         std::to_string(kModelFormatVersion) + "); upgrade genrec");
  if (version < static_cast<std::uint32_t>(kModelFormatVersion))
    fail("format version " + std::to_string(version) +
         " (LibTorch archive weights) is no longer read; train the model again with this genrec");
  c.format_version = static_cast<int>(version);

  if (n < pos + 8) truncated(pos + 8);
  const std::uint64_t header_len = get_le(bytes, pos, 8);
  pos += 8;
  if (header_len > kMaxHeaderBytes) fail("corrupt file (header length out of range)");
  if (n < pos + header_len + 8) truncated(pos + header_len + 8);
  const std::string header_text = bytes.substr(pos, header_len);
  pos += header_len;
  const std::uint64_t weights_len = get_le(bytes, pos, 8);
  pos += 8;
  if (weights_len > n) truncated(pos + weights_len + 16);
  const std::size_t total = pos + weights_len + 8 + kMagicSize;
  if (n < total) truncated(total);
  if (n > total) fail("corrupt file (" + std::to_string(n - total) + " trailing bytes)");
  const std::size_t checksum_pos = pos + weights_len;
  if (get_le(bytes, checksum_pos, 8) != model_file_checksum(bytes.data(), checksum_pos))
    fail("corrupt file (checksum mismatch)");
  if (std::memcmp(bytes.data() + checksum_pos + 8, kEndMagic, kMagicSize) != 0)
    fail("corrupt file (bad end marker)");

  try {
    c.header = nlohmann::json::parse(header_text);
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("corrupt header: ") + e.what());
  }
  if (!c.header.is_object()) fail("corrupt header: not a JSON object");
  try {
    c.tensors = decode_tensors(bytes, pos, pos + weights_len);
  } catch (const std::runtime_error& e) {
    fail(std::string("corrupt weights: ") + e.what());
  }
  return c;
}

}  // namespace genrec
