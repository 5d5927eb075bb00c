#pragma once
// File names are bytes: these make any byte string safe to print. JSON strings must be valid
// UTF-8, and a terminal or a log must not see raw control characters (ESC, BEL, a newline
// that would forge a log line).
#include <string>

namespace genrec {

// s unchanged when it is valid UTF-8; otherwise each byte that is not part of a valid UTF-8
// sequence becomes the four characters "\xNN" (so the name stays recognisable).
std::string utf8_or_escaped(const std::string& s);

// utf8_or_escaped(s) with control characters (U+0000-U+001F, U+007F) written as "\n", "\t",
// "\r" or "\xNN": one printable line for text output and logs.
std::string printable(const std::string& s);

}  // namespace genrec
