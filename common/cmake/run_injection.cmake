# cmake -DEXE=<tests> -DEXPECT=<regex> -DREPORT=<file> -P run_injection.cmake: runs exercise
# tests built against a solution with a bug put in on purpose (see aio_inject), and passes only
# if they fail and a pitfall report matching EXPECT says why.
file(REMOVE "${REPORT}")
execute_process(COMMAND "${CMAKE_COMMAND}" -E env "AIO_GRADE_REPORT=${REPORT}" "${EXE}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "the exercise tests passed with the bug in: they cannot see it")
endif()
set(named "")
if(EXISTS "${REPORT}")
  file(STRINGS "${REPORT}" pitfalls REGEX "^pitfall\t")
  foreach(line IN LISTS pitfalls)
    if(line MATCHES "${EXPECT}")
      set(named "${line}")
      break()
    endif()
  endforeach()
endif()
if(NOT named)
  message(FATAL_ERROR "the exercise tests failed, but no pitfall report matched '${EXPECT}':\n${out}")
endif()
string(REGEX REPLACE "^pitfall\t" "" named "${named}")
message(STATUS "caught and named: ${named}")
