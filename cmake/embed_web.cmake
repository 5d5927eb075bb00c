# Turns the page's files into C++ byte arrays (no xxd needed), run at build time:
#   cmake -DWEB_DIR=<dir> -DOUT=<file.cpp> -P embed_web.cmake
# Output: genrec::detail::kWebAssets / kWebAssetCount (see lib/server/web_assets.h).
file(GLOB_RECURSE files RELATIVE "${WEB_DIR}" "${WEB_DIR}/*")
list(SORT files)
set(arrays "")
set(table "")
set(i 0)
foreach(rel IN LISTS files)
  file(READ "${WEB_DIR}/${rel}" hex HEX)
  string(LENGTH "${hex}" n_hex)
  math(EXPR n_bytes "${n_hex} / 2")
  # Two hex digits -> "0xAB," with a line break every 16 bytes to keep lines short.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REPEAT "0x..," 16 sixteen)
  string(REGEX REPLACE "(${sixteen})" "\\1\n    " bytes "${bytes}")
  string(APPEND arrays "const unsigned char kAsset${i}[] = {\n    ${bytes}0x00};\n")
  string(APPEND table "    {\"/${rel}\", kAsset${i}, ${n_bytes}},\n")
  math(EXPR i "${i} + 1")
endforeach()
set(content "// Generated from web/ by cmake/embed_web.cmake at build time: do not edit.
#include \"server/web_assets.h\"

namespace genrec::detail {
namespace {
${arrays}}  // namespace

const WebAsset kWebAssets[] = {
${table}};
const std::size_t kWebAssetCount = ${i};

}  // namespace genrec::detail
")
# Rewrite only on change, so an untouched page does not trigger a rebuild.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${content}")
