# Writes a program's bash and zsh completion scripts, which it prints from its option table:
#   cmake -DPROGRAM=path -DBASH=out -DZSH=out -P completion.cmake
foreach(shell BASH ZSH)
  string(TOLOWER ${shell} name)
  execute_process(COMMAND ${PROGRAM} --completion=${name} OUTPUT_FILE ${${shell}}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} --completion=${name} failed (${rc})")
  endif()
endforeach()
