#pragma once
// Minimal RIFF/WAVE writer (16-bit PCM or 32-bit float) for synthetic data and tests.
#include <cstdint>
#include <string>
#include <vector>

namespace genrec {

enum class WavEncoding { kPcm16, kFloat32 };

// Interleaved samples in [-1, 1]; PCM16 clips. Throws genrec::Error("wav", path, cause).
void write_wav(const std::string& path, const std::vector<float>& interleaved, int sample_rate,
               int channels = 1, WavEncoding encoding = WavEncoding::kPcm16);
// The same file as bytes.
std::vector<std::uint8_t> encode_wav(const std::vector<float>& interleaved, int sample_rate,
                                     int channels = 1, WavEncoding encoding = WavEncoding::kPcm16);

}  // namespace genrec
