#include "data/csv_reader.h"

#include <csv.h>

#include <deque>

#include "audio/error.h"

namespace genrec {
namespace {

// RFC 4180: spaces belong to the field (libcsv trims spaces and tabs by default).
int never_space(unsigned char) { return 0; }

}  // namespace

struct CsvReader::Parser {
  csv_parser p{};
  std::vector<std::string> record;            // fields of the record being parsed
  std::deque<std::vector<std::string>> done;  // complete records not yet returned

  static void on_field(void* data, std::size_t n, void* self) {
    static_cast<Parser*>(self)->record.emplace_back(static_cast<const char*>(data), n);
  }
  static void on_record(int, void* self) {
    Parser* parser = static_cast<Parser*>(self);
    parser->done.push_back(std::move(parser->record));
    parser->record.clear();
  }
};

CsvReader::CsvReader(const std::string& path)
    : path_(path), in_(path, std::ios::binary), parser_(std::make_unique<Parser>()) {
  if (!in_) throw Error("csv", path, "cannot open");
  if (csv_init(&parser_->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
    throw Error("csv", path, "cannot initialise the parser");
  csv_set_space_func(&parser_->p, never_space);
  const std::string ext = path.size() >= 4 ? path.substr(path.size() - 4) : "";
  if (ext == ".tsv" || ext == ".tab" || ext == ".TSV") csv_set_delim(&parser_->p, CSV_TAB);
}

CsvReader::~CsvReader() { csv_free(&parser_->p); }

// Parses the next chunk of the file; false when the file is exhausted.
bool CsvReader::fill() {
  if (finished_) return false;
  char buf[1 << 16];
  in_.read(buf, sizeof buf);
  std::size_t n = static_cast<std::size_t>(in_.gcount());
  if (n == 0) {
    if (in_.bad()) throw Error("csv", path_, "read error");
    finished_ = true;
    if (csv_fini(&parser_->p, Parser::on_field, Parser::on_record, parser_.get()) != 0)
      throw Error("csv", path_,
                  "row " + std::to_string(row_ + parser_->done.size() + 1) +
                      ": unterminated quoted field at the end of the file");
    return !parser_->done.empty();
  }
  const char* p = buf;
  if (at_start_ && n >= 3 && std::string(buf, 3) == "\xEF\xBB\xBF") {  // UTF-8 byte-order mark
    p += 3;
    n -= 3;
  }
  at_start_ = false;
  if (csv_parse(&parser_->p, p, n, Parser::on_field, Parser::on_record, parser_.get()) != n)
    throw Error("csv", path_,
                "row " + std::to_string(row_ + parser_->done.size() + 1) + ": " +
                    csv_strerror(csv_error(&parser_->p)) +
                    " (a quote inside a field must be doubled, and a quoted field closed)");
  return true;
}

bool CsvReader::next(std::vector<std::string>& fields) {
  while (parser_->done.empty())
    if (!fill()) return false;
  fields = std::move(parser_->done.front());
  parser_->done.pop_front();
  ++row_;
  return true;
}

}  // namespace genrec
