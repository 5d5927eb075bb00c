#pragma once
// A read-only file of the feature cache: memory-mapped (POSIX mmap) for reading its header and
// index in place, and readable by pread for its bulk data, which then goes through the page
// cache without being mapped into the process, so reading a large cache end to end does not
// grow the process's resident memory (mapped pages stay resident: the kernel maps whole
// fault-around blocks or large folios around each page touched).
#include <cstddef>
#include <cstdint>
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
  // Copies bytes [offset, offset + n) into dst with pread. Throws genrec::Error("cache", path,
  // cause) on a read error or when the range is past the end of the file.
  void read(std::uint64_t offset, void* dst, std::size_t n) const;

 private:
  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
  int fd_ = -1;
  std::string path_;
};

}  // namespace genrec
