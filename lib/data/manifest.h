#pragma once
// A dataset listed in a spreadsheet: a CSV (RFC 4180) or TSV manifest whose header row names a
// `path` column, a `label` column and optionally a `split` column (train, valid, test or empty).
// Paths are relative to the manifest's folder (absolute ones are taken as they are).
#include <string>

#include "data/dataset.h"

namespace genrec {

// Reads the manifest. Rows whose file is missing are skipped, named once in a warning and listed
// in Dataset::skipped. Throws genrec::Error("manifest", path, "row N: cause") for a duplicate
// path, an unknown split value, an empty path or label, a row of the wrong width or malformed
// quoting; and ("manifest", path, cause) for a header without path/label or fewer than 2 labels.
Dataset read_manifest(const std::string& path);

// True when the first record of the CSV/TSV file at `path` has both a `path` and a `label` column.
bool looks_like_manifest(const std::string& path);

}  // namespace genrec
