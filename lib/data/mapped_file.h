#pragma once
// A read-only memory mapping of a whole file (POSIX mmap), and a way to let the kernel take
// back the pages a reader has finished with, so that reading a large mapped file end to end
// does not leave it all counted in the process's resident memory.
#include <cstddef>
#include <string>

namespace genrec {

class MappedFile {
 public:
  // Maps `path` read-only. Throws genrec::Error("cache", path, cause) when it cannot be opened
  // or mapped; an empty file maps to size() == 0.
  static MappedFile open(const std::string& path);
  MappedFile() = default;
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

// Drops this process's mapping of the pages that hold [p, p + n) of a read-only file mapping
// (madvise MADV_DONTNEED): the data stay in the page cache, and the next read maps them again.
// Never call it on anonymous (heap) memory, whose contents it would discard.
void release_mapped_pages(const void* p, std::size_t n);

}  // namespace genrec
