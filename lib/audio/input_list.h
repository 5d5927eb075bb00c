#pragma once
// Expands command-line INPUTs: a file, a directory (walked recursively for audio files,
// sorted), or "-" for newline-separated paths read from a stream (stdin) -- or, when the stream
// holds audio bytes (`cat song.au | genrec predict -`), for that one audio file.
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace genrec {

// True for extensions libsndfile decodes (wav, au, flac, ogg, opus, mp3, aiff, ...).
bool has_audio_extension(const std::string& path);
// True when `head` (the first bytes of a stream) is audio rather than a list of paths: it holds
// a NUL byte and another binary control byte (every container's header does; a path list with
// a stray NUL in a name does not) or starts with an MPEG frame sync.
bool looks_like_audio(const std::string& head);
// Files are passed through even when missing, so the caller reports them as failed inputs.
// When "-" meets audio bytes on `list`, they go to *stdin_audio and "-" stays in the result as
// that file's name; without stdin_audio, that throws genrec::Error("input", "-", ...) in one
// line saying how to pass audio.
std::vector<std::string> expand_inputs(const std::vector<std::string>& args, std::istream& list,
                                       std::vector<std::uint8_t>* stdin_audio = nullptr);

}  // namespace genrec
