#include "server/web_assets.h"

namespace genrec {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const WebAsset* find_web_asset(const std::string& url_path) {
  const std::string path = url_path == "/" ? "/index.html" : url_path;
  for (std::size_t i = 0; i < detail::kWebAssetCount; ++i)
    if (path == detail::kWebAssets[i].path) return &detail::kWebAssets[i];
  return nullptr;
}

std::string web_content_type(const std::string& url_path) {
  if (url_path == "/" || ends_with(url_path, ".html")) return "text/html; charset=utf-8";
  if (ends_with(url_path, ".css")) return "text/css; charset=utf-8";
  if (ends_with(url_path, ".js") || ends_with(url_path, ".mjs"))
    return "text/javascript; charset=utf-8";
  if (ends_with(url_path, ".svg")) return "image/svg+xml";
  if (ends_with(url_path, ".png")) return "image/png";
  if (ends_with(url_path, ".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace genrec
