# cmake -P check_test_sources.cmake <files...>: fails on a test name with a semicolon (CMake's
# list separator: the test is registered under a broken name and runs nothing), and on a Catch
# assertion that evaluates its expression with co_await inside. GCC 12 evaluates `CHECK(co_await f() == 1)` three times
# (Catch repeats the expression in a branch never taken, and GCC 12 runs a co_await even there):
# the coroutine runs three times, and the check sees the third result. Await first, then check.
set(bad "")
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 3 ${last})
  set(file "${CMAKE_ARGV${i}}")
  file(STRINGS "${file}" lines REGEX "(CHECK|REQUIRE)(_FALSE)?\\(.*co_await")
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    string(APPEND bad "\n  ${file}: ${line}")
  endforeach()
  file(READ "${file}" text)
  string(REGEX MATCHALL "TEST_CASE\\(\"[^\"]*;[^\"]*\"" names "${text}")
  foreach(name IN LISTS names)
    string(APPEND semicolons "\n  ${file}: ${name}")
  endforeach()
endforeach()
if(semicolons)
  message(SEND_ERROR "a test name with a semicolon is split by CMake and runs no test; use 'and':${semicolons}")
endif()
if(bad)
  message(FATAL_ERROR "co_await inside CHECK/REQUIRE (GCC 12 evaluates it three times); "
                      "bind the awaited value to a variable first, then check it:${bad}")
endif()
