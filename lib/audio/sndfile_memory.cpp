#include "audio/sndfile_memory.h"

#include <algorithm>
#include <cstring>

namespace genrec {
namespace {

SndfileMemory& memory(void* user) { return *static_cast<SndfileMemory*>(user); }

sf_count_t length(void* user) { return static_cast<sf_count_t>(memory(user).bytes.size()); }

sf_count_t seek(sf_count_t offset, int whence, void* user) {
  SndfileMemory& m = memory(user);
  const sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m.pos : length(user);
  const sf_count_t target = base + offset;
  if (target < 0) return -1;
  // A writer may seek past the end (the next write grows the buffer); a reader stops there.
  m.pos = m.writable ? target : std::min(target, length(user));
  return m.pos;
}

sf_count_t read(void* dst, sf_count_t count, void* user) {
  SndfileMemory& m = memory(user);
  const sf_count_t n = std::max<sf_count_t>(0, std::min(count, length(user) - m.pos));
  if (n > 0) std::memcpy(dst, m.bytes.data() + m.pos, static_cast<std::size_t>(n));
  m.pos += n;
  return n;
}

sf_count_t write(const void* src, sf_count_t count, void* user) {
  SndfileMemory& m = memory(user);
  if (!m.writable) return 0;
  const auto end = static_cast<std::size_t>(m.pos + count);
  if (m.bytes.size() < end) m.bytes.resize(end);
  std::memcpy(m.bytes.data() + m.pos, src, static_cast<std::size_t>(count));
  m.pos += count;
  return count;
}

sf_count_t tell(void* user) { return memory(user).pos; }

}  // namespace

SF_VIRTUAL_IO sndfile_memory_io() { return SF_VIRTUAL_IO{length, seek, read, write, tell}; }

}  // namespace genrec
