#pragma once
// Small files for the data tests: text and sine-tone WAVs, their folders created.
#include <filesystem>
#include <fstream>
#include <string>

#include "audio/wav_writer.h"
#include "test_util.h"

namespace genrec::test {

// Writes `text` to `path`, creating its folder.
inline void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A 16-bit WAV of a sine tone at 22050 Hz, creating its folder.
inline void write_tone_file(const std::string& path, double hz, double seconds) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_wav(path, tone(hz, seconds), 22050);
}

}  // namespace genrec::test
