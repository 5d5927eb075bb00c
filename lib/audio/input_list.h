#pragma once
// Expands command-line INPUTs: a file, a directory (walked recursively for audio files,
// sorted), or "-" for newline-separated paths read from a stream (stdin).
#include <istream>
#include <string>
#include <vector>

namespace genrec {

// True for extensions libsndfile decodes (wav, au, flac, ogg, opus, mp3, aiff, ...).
bool has_audio_extension(const std::string& path);
// Files are passed through even when missing, so the caller reports them as failed inputs.
std::vector<std::string> expand_inputs(const std::vector<std::string>& args, std::istream& list);

}  // namespace genrec
