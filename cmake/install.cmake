# What `cmake --install build --prefix P` (and the .deb) puts under P. The installed binary
# finds the rest from its own place (lib/model/install_paths.h): P/bin/genrec,
# P/lib/genrec/libgenrec_train.so, P/share/genrec/models/. The page is embedded in the binary.
set(GENREC_DOCS_DIR ${CMAKE_BINARY_DIR}/share)
set(GENREC_DOCS ${GENREC_DOCS_DIR}/man/man1/genrec.1
                ${GENREC_DOCS_DIR}/bash-completion/completions/genrec
                ${GENREC_DOCS_DIR}/zsh/vendor-completions/_genrec)
add_custom_command(
  OUTPUT ${GENREC_DOCS}
  COMMAND ${CMAKE_COMMAND} -DGENREC=$<TARGET_FILE:genrec> -DOUT_DIR=${GENREC_DOCS_DIR}
          -P ${PROJECT_SOURCE_DIR}/cmake/genrec_docs.cmake
  DEPENDS genrec ${PROJECT_SOURCE_DIR}/cmake/genrec_docs.cmake
  COMMENT "Generating genrec(1) and the bash/zsh completions"
  VERBATIM)
add_custom_target(genrec_docs ALL DEPENDS ${GENREC_DOCS})

install(TARGETS genrec RUNTIME DESTINATION bin)
install(TARGETS genrec_train LIBRARY DESTINATION lib/genrec)
install(FILES ${PROJECT_SOURCE_DIR}/models/genrec-gtzan-290.genrec
        DESTINATION share/genrec/models)
install(FILES ${PROJECT_SOURCE_DIR}/configs/default.toml DESTINATION share/genrec/configs)
install(DIRECTORY ${GENREC_DOCS_DIR}/ DESTINATION share)
