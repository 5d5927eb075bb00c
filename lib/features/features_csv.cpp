#include "features/features_csv.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace genrec {
namespace {
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}
}  // namespace

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0.0) return std::signbit(v) ? "-0.0" : "0.0";
  // Shortest round-trip digits and exponent, then Python's float_repr_style layout.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const std::string sci(buf, res.ptr);
  const std::size_t e = sci.find('e');
  const bool negative = sci[0] == '-';
  std::string digits;
  for (std::size_t i = negative ? 1 : 0; i < e; ++i)
    if (sci[i] != '.') digits += sci[i];
  const int exp10 = std::atoi(sci.c_str() + e + 1);
  std::string out = negative ? "-" : "";
  if (exp10 >= -4 && exp10 < 16) {  // repr's fixed range
    if (exp10 < 0) {
      out += "0." + std::string(static_cast<std::size_t>(-exp10 - 1), '0') + digits;
    } else if (static_cast<int>(digits.size()) <= exp10 + 1) {
      out += digits + std::string(static_cast<std::size_t>(exp10 + 1) - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(exp10 + 1)) + "." +
             digits.substr(static_cast<std::size_t>(exp10 + 1));
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char ebuf[16];
  std::snprintf(ebuf, sizeof(ebuf), "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
  return out + ebuf;
}

std::string features_csv_header(int n_mfcc) {
  std::string h = "filename,length";
  for (const std::string& c : feature_value_columns(n_mfcc)) h += "," + c;
  return h + ",label";
}

std::string features_csv_row(const FeatureRow& row) {
  std::string line = csv_field(row.filename) + "," + std::to_string(row.length);
  for (double v : row.features.values()) line += "," + format_number(v);
  return line + "," + csv_field(row.label);
}

void write_features_csv(std::ostream& out, const std::vector<FeatureRow>& rows, int n_mfcc) {
  out << features_csv_header(n_mfcc) << '\n';
  for (const FeatureRow& r : rows) out << features_csv_row(r) << '\n';
}

}  // namespace genrec
