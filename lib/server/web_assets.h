#pragma once
// The page's files (web/*), embedded in the binary at build time by cmake/embed_web.cmake,
// so that `genrec serve` needs no files on disk and the page fetches nothing from elsewhere.
#include <cstddef>
#include <string>

namespace genrec {

struct WebAsset {
  const char* path;  // URL path, e.g. "/app.js"
  const unsigned char* data;
  std::size_t size;
};

// The asset served at a URL path ("/" is "/index.html"); nullptr when there is none.
const WebAsset* find_web_asset(const std::string& url_path);
// MIME type from the file extension (text types carry charset=utf-8).
std::string web_content_type(const std::string& url_path);

namespace detail {
// Defined in the generated web_assets_data.cpp.
extern const WebAsset kWebAssets[];
extern const std::size_t kWebAssetCount;
}  // namespace detail

}  // namespace genrec
