#pragma once
// Streaming reader of CSV (RFC 4180) and TSV files, record by record, on libcsv: quoted fields
// may hold the delimiter, doubled quotes and line breaks; spaces are kept; a UTF-8 byte-order
// mark at the start is dropped; blank lines are skipped. Only this file sees libcsv.
#include <cstddef>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace genrec {

class CsvReader {
 public:
  // Opens `path`; the delimiter is a tab for *.tsv / *.tab files, else a comma.
  // Throws genrec::Error("csv", path, cause) when the file cannot be opened.
  explicit CsvReader(const std::string& path);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The next record into `fields`; false at the end of the file. Throws genrec::Error("csv",
  // path, "row N: ...") for malformed quoting or a read error.
  bool next(std::vector<std::string>& fields);
  // 1-based number of the record last returned (the header is row 1).
  std::size_t row() const { return row_; }
  const std::string& path() const { return path_; }

 private:
  struct Parser;
  bool fill();

  std::string path_;
  std::ifstream in_;
  std::unique_ptr<Parser> parser_;
  std::size_t row_ = 0;
  bool at_start_ = true, finished_ = false;
};

}  // namespace genrec
