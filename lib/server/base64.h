#pragma once
// Standard base64 (RFC 4648, with padding) for embedding PNGs in JSON replies.
#include <cstdint>
#include <string>
#include <vector>

namespace genrec {

std::string base64_encode(const std::vector<std::uint8_t>& bytes);

}  // namespace genrec
