# Run at build time (cmake -P): writes genrec(1) and the bash/zsh completions from the
# binary's own option definitions, so they never drift from --help.
# Usage: cmake -DGENREC=path/to/genrec -DOUT_DIR=dir -P genrec_docs.cmake
foreach(doc "manpage;man/man1/genrec.1" "completion;bash;bash-completion/completions/genrec"
            "completion;zsh;zsh/vendor-completions/_genrec")
  list(POP_BACK doc out)
  get_filename_component(dir ${OUT_DIR}/${out} DIRECTORY)
  file(MAKE_DIRECTORY ${dir})
  execute_process(COMMAND ${GENREC} ${doc} OUTPUT_FILE ${OUT_DIR}/${out} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "genrec ${doc} failed (${rc})")
  endif()
endforeach()
