# Runs one demo and writes what it printed, stdout and stderr merged in order, to OUT.
execute_process(COMMAND "${PROGRAM}" "${DEMO}" OUTPUT_VARIABLE text ERROR_VARIABLE text RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} ${DEMO} exited with ${rc}:\n${text}")
endif()
file(WRITE "${OUT}" "${text}")
