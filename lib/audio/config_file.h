#pragma once
// Reads a TOML config file (configs/*.toml) with its `base`: a top-level key
// `base = "other.toml"` (relative to the file's folder, or absolute) names a config that this
// one changes, so a variant of a recipe states only what it changes. The one reader of config
// files: [features] (feature_config_toml.h) and [model], [train] (model/train_config.h) both
// read what it returns.
#include <toml++/toml.h>

#include <string>

namespace genrec {

// The file's keys laid over its base's, recursively: a key of a table ([features], [model],
// [train]) replaces the same key of the base's table and keeps the others; any other top-level
// key replaces the base's. `base` itself is not in the result. Throws Error("config", path,
// cause) naming the file at fault for one that cannot be read or parsed (with the line), a
// `base` that is not a string, or a chain of more than 8 bases (e.g. a file that is its own
// base).
toml::table read_config_file(const std::string& path);

// TOML text as a table (no `base` is followed: text has no folder); a parse error throws
// Error("config", name, cause with the line), as read_config_file does for a file.
toml::table parse_config_text(const std::string& text, const std::string& name);

}  // namespace genrec
