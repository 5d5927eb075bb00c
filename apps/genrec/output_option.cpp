// The CLI11 side of model/output_file.h: the same check, as a usage error at parse time.
#include "commands.h"
#include "model/output_file.h"

namespace genrec::cli {

CLI::Validator output_file_check(const std::vector<std::string>& formats) {
  std::string desc;
  for (const std::string& f : formats) desc += (desc.empty() ? "" : "|") + f;
  return CLI::Validator(
      [formats](std::string& path) -> std::string {
        try {
          check_output_file(path, formats, "output");
          return "";
        } catch (const std::exception& e) {
          const std::string m = e.what();
          return m.rfind("output: ", 0) == 0 ? m.substr(8) : m;
        }
      },
      "FILE." + desc + "|-");
}

}  // namespace genrec::cli
