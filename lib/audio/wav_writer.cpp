#include "audio/wav_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "audio/error.h"

namespace genrec {
namespace {
void put_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_tag(std::vector<std::uint8_t>& b, const char* tag) { b.insert(b.end(), tag, tag + 4); }
}  // namespace

std::vector<std::uint8_t> encode_wav(const std::vector<float>& x, int sample_rate, int channels,
                                     WavEncoding encoding) {
  const bool is_float = encoding == WavEncoding::kFloat32;
  const std::uint16_t bytes_per = is_float ? 4 : 2;
  const std::uint32_t data_len = static_cast<std::uint32_t>(x.size() * bytes_per);
  std::vector<std::uint8_t> b;
  b.reserve(44 + data_len);
  put_tag(b, "RIFF");
  put_u32(b, 36 + data_len);
  put_tag(b, "WAVE");
  put_tag(b, "fmt ");
  put_u32(b, 16);
  put_u16(b, is_float ? 3 : 1);  // WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM
  put_u16(b, static_cast<std::uint16_t>(channels));
  put_u32(b, static_cast<std::uint32_t>(sample_rate));
  put_u32(b, static_cast<std::uint32_t>(sample_rate) * channels * bytes_per);
  put_u16(b, static_cast<std::uint16_t>(channels * bytes_per));
  put_u16(b, static_cast<std::uint16_t>(bytes_per * 8));
  put_tag(b, "data");
  put_u32(b, data_len);
  for (float v : x) {
    if (is_float) {
      std::uint32_t u;
      std::memcpy(&u, &v, 4);
      put_u32(b, u);
    } else {
      long q = std::lround(std::clamp(v, -1.0f, 1.0f) * 32767.0f);
      put_u16(b, static_cast<std::uint16_t>(static_cast<std::int16_t>(q)));
    }
  }
  return b;
}

void write_wav(const std::string& path, const std::vector<float>& x, int sample_rate, int channels,
               WavEncoding encoding) {
  std::vector<std::uint8_t> b = encode_wav(x, sample_rate, channels, encoding);
  std::ofstream f(path, std::ios::binary);
  if (!f) throw Error("wav", path, "cannot open for writing");
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (!f) throw Error("wav", path, "write failed");
}

}  // namespace genrec
