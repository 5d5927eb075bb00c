#include "audio/input_list.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iterator>
#include <sstream>

#include "audio/error.h"

namespace genrec {

bool has_audio_extension(const std::string& path) {
  static const char* kExt[] = {".wav", ".au",   ".snd", ".flac", ".ogg", ".oga", ".opus",
                               ".mp3", ".aiff", ".aif", ".aifc", ".w64", ".caf", ".rf64"};
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(std::begin(kExt), std::end(kExt), [&](const char* e) { return ext == e; });
}

bool looks_like_audio(const std::string& head) {
  // Every container libsndfile reads has a NUL and other control bytes within its first bytes
  // (chunk sizes, version fields: WAV's fmt size 16, AU's offset 24, Ogg's header type 2, ...);
  // MPEG audio without a tag starts with an 11-bit frame sync. A list of paths has neither: a
  // stray NUL in a path must not turn the list into "audio", so that the path is refused by
  // name and the rest of the list still runs.
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF &&
      (static_cast<unsigned char>(head[1]) & 0xE0) == 0xE0)
    return true;
  const auto binary = [](unsigned char c) {
    return (c >= 0x01 && c <= 0x08) || (c >= 0x0E && c <= 0x1F && c != 0x1B);
  };
  return head.find('\0') != std::string::npos &&
         std::any_of(head.begin(), head.end(), [&](char c) { return binary(c); });
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& args, std::istream& list,
                                       std::vector<std::uint8_t>* stdin_audio) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& a : args) {
    std::error_code ec;
    if (a == "-") {
      const std::string all{std::istreambuf_iterator<char>(list), std::istreambuf_iterator<char>()};
      if (looks_like_audio(all.substr(0, 4096))) {
        if (!stdin_audio)
          throw Error("input", "-",
                      "standard input holds audio, but this command reads a list of paths "
                      "there; pass the audio file's name instead");
        stdin_audio->assign(all.begin(), all.end());
        out.push_back(a);
        continue;
      }
      std::istringstream lines(all);
      for (std::string line; std::getline(lines, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) out.push_back(line);
      }
    } else if (fs::is_directory(a, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator
               it(a, fs::directory_options::skip_permission_denied, ec),
           end;
           !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && has_audio_extension(it->path().string()))
          found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(a);
    }
  }
  return out;
}

}  // namespace genrec
