#pragma once
// Audio files written by libsndfile: WAV (16-bit PCM or 32-bit float) for synthetic data, tests
// and the web page, and any container libsndfile writes, chosen by the file's extension.
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
// Container from the extension: .wav, .flac, .ogg (Vorbis), .au, .aiff/.aif; 16-bit PCM where
// the container holds PCM. Throws genrec::Error("audio", path, cause), also for other extensions.
void write_audio(const std::string& path, const std::vector<float>& interleaved, int sample_rate,
                 int channels = 1);

}  // namespace genrec
