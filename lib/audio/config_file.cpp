#include "audio/config_file.h"

#include <filesystem>
#include <sstream>

#include "audio/error.h"

namespace genrec {
namespace {

constexpr int kMaxBases = 8;

// A parse error of `name` as one Error, with its line when toml++ knows it.
[[noreturn]] void fail_parse(const toml::parse_error& e, const std::string& name) {
  std::ostringstream cause;
  cause << e.description();
  if (e.source().begin.line > 0) cause << " (line " << e.source().begin.line << ")";
  throw Error("config", name, cause.str());
}

toml::table parse_one(const std::string& path) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    fail_parse(e, path);
  }
}

// `over` laid onto `under`: tables merge key by key, anything else replaces.
void lay_over(toml::table& under, const toml::table& over) {
  for (const auto& [key, node] : over) {
    toml::table* below = under[key].as_table();
    if (below && node.is_table())
      for (const auto& [k, v] : *node.as_table()) below->insert_or_assign(k, v);
    else
      under.insert_or_assign(key, node);
  }
}

toml::table read_with_bases(const std::string& path, const std::string& top, int depth) {
  toml::table file = parse_one(path);
  const toml::node* base = file.get("base");
  if (!base) return file;
  const auto name = base->value_exact<std::string>();
  if (!name) throw Error("config", path, "base must be a string (the path of another config)");
  if (depth >= kMaxBases)
    throw Error("config", top,
                "more than " + std::to_string(kMaxBases) + " bases in a chain (a cycle?)");
  const std::filesystem::path p(*name);
  const std::string base_path =
      p.is_absolute() ? p.string()
                      : (std::filesystem::path(path).parent_path() / p).lexically_normal().string();
  if (!std::filesystem::is_regular_file(base_path))
    throw Error("config", path, "its base " + base_path + " is not a file");
  toml::table merged = read_with_bases(base_path, top, depth + 1);
  file.erase("base");
  lay_over(merged, file);
  return merged;
}

}  // namespace

toml::table read_config_file(const std::string& path) { return read_with_bases(path, path, 0); }

toml::table parse_config_text(const std::string& text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    fail_parse(e, name);
  }
}

}  // namespace genrec
