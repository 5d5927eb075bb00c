# Included by lib/CMakeLists.txt for genrec_server: embeds web/* (the page) in the library.
file(GLOB_RECURSE GENREC_WEB_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/web/*)
set(GENREC_WEB_CPP ${CMAKE_CURRENT_BINARY_DIR}/generated/web_assets_data.cpp)
add_custom_command(
  OUTPUT ${GENREC_WEB_CPP}
  COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${PROJECT_SOURCE_DIR}/web -DOUT=${GENREC_WEB_CPP}
          -P ${PROJECT_SOURCE_DIR}/cmake/embed_web.cmake
  DEPENDS ${GENREC_WEB_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_web.cmake
  COMMENT "Embedding web/ in genrec_server"
  VERBATIM)
target_sources(genrec_server PRIVATE ${GENREC_WEB_CPP})
