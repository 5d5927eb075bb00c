#pragma once
// A small reader for the reference CSVs the tests compare against (features_30_sec.csv):
// a header naming the columns, one row per line, no quoted fields.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace genrec::test {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    throw std::runtime_error("no column " + name);
  }
};

inline std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  for (std::string cell; std::getline(s, cell, ',');) out.push_back(cell);
  return out;
}

inline CsvTable read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  CsvTable t;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (t.header.empty())
      t.header = split_commas(line);
    else
      t.rows.push_back(split_commas(line));
  }
  return t;
}

}  // namespace genrec::test
