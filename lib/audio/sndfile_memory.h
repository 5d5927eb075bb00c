#pragma once
// libsndfile virtual I/O over a byte buffer: the decoder reads audio from one and the writer
// encodes into one. Only decoder.cpp and wav_writer.cpp (the libsndfile files) include this.
#include <sndfile.h>

#include <cstdint>
#include <vector>

namespace genrec {

struct SndfileMemory {
  std::vector<std::uint8_t> bytes;
  sf_count_t pos = 0;
  bool writable = false;  // read-only: seeks clamp to the end and writes are refused
};

// Callbacks for sf_open_virtual(..., user_data = SndfileMemory*).
SF_VIRTUAL_IO sndfile_memory_io();

}  // namespace genrec
