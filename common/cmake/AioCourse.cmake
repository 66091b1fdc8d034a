# The course's CMake helpers: a chapter, its exercises and its compile-fail tests are each
# declared in one call.
#
#   aio_chapter(NN [SOURCES ...] [DEPENDS NN...] [DEMO_SOURCES ...] [DEMO_MAIN file]
#               [DEMOS name...] [HEADLINE name...] [TESTS ...] [BENCHMARKS ...])
#   aio_exercises(NN)
#   aio_compile_fail(NN NAME SOURCE REGEX)
#   aio_expect_output(NN NAME REGEX ARGS...)
#
# See docs/maintainers.md for what each call builds.
include_guard(GLOBAL)
include(Catch)

set(AIO_TEST_TIMEOUT 30 CACHE STRING "Seconds one test may run before CTest stops it")
set(AIO_DEMO_DIR "${CMAKE_BINARY_DIR}/demos")

# _aio_find_dir(<out-var> <top> <NN>): the directory <top>/NN-name, or an error.
function(_aio_find_dir out top nn)
  file(GLOB found LIST_DIRECTORIES true "${PROJECT_SOURCE_DIR}/${top}/${nn}-*")
  list(LENGTH found n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "expected exactly one directory ${top}/${nn}-*, found ${n}")
  endif()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

# Test programs: linked with the course's Catch main, every test case registered with CTest
# under a prefix, a label and a timeout.
function(_aio_test_program target label)
  target_link_libraries(${target} PRIVATE aio_testing)
  catch_discover_tests(${target}
    TEST_PREFIX "${label}/"
    PROPERTIES LABELS "${label}" TIMEOUT "${AIO_TEST_TIMEOUT}")
endfunction()

function(aio_chapter nn)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DEMO_MAIN" "SOURCES;DEPENDS;DEMO_SOURCES;DEMOS;HEADLINE;TESTS;BENCHMARKS")
  set(lib aio_ch${nn})
  set(deps aio_common)
  foreach(dep IN LISTS arg_DEPENDS)
    list(APPEND deps aio_ch${dep})
  endforeach()
  if(arg_SOURCES)
    add_library(${lib} STATIC ${arg_SOURCES})
    target_include_directories(${lib} PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}")
    target_link_libraries(${lib} PUBLIC ${deps})
  else()
    add_library(${lib} INTERFACE)
    target_include_directories(${lib} INTERFACE "${CMAKE_CURRENT_SOURCE_DIR}")
    target_link_libraries(${lib} INTERFACE ${deps})
  endif()
  add_custom_target(ch${nn})
  add_dependencies(ch${nn} ${lib})
  set_property(GLOBAL PROPERTY AIO_CHAPTER_DEPENDS_${nn} "${arg_DEPENDS}") # for the docs' course map

  # Demos: one program, chNN_demo <name>, whose demo functions tests can call too.
  set(listing "")
  if(arg_DEMO_SOURCES)
    add_library(aio_ch${nn}_demos STATIC ${arg_DEMO_SOURCES})
    target_link_libraries(aio_ch${nn}_demos PUBLIC ${lib})
    target_include_directories(aio_ch${nn}_demos PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/examples")
    add_executable(ch${nn}_demo ${arg_DEMO_MAIN})
    target_link_libraries(ch${nn}_demo PRIVATE aio_ch${nn}_demos)
    set_target_properties(ch${nn}_demo PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${AIO_DEMO_DIR}")
    add_dependencies(ch${nn} ch${nn}_demo)
    foreach(demo IN LISTS arg_HEADLINE)
      string(APPEND listing "headline\t${demo}\t$<TARGET_FILE:ch${nn}_demo>\n")
    endforeach()
    foreach(demo IN LISTS arg_DEMOS)
      string(APPEND listing "demo\t${demo}\t$<TARGET_FILE:ch${nn}_demo>\n")
      set_property(GLOBAL APPEND PROPERTY AIO_DOC_DEMOS "ch${nn}_demo|${demo}")
    endforeach()
  endif()
  file(GENERATE OUTPUT "${AIO_DEMO_DIR}/ch${nn}.txt" CONTENT "${listing}")

  if(arg_TESTS)
    add_executable(ch${nn}_tests ${arg_TESTS})
    target_link_libraries(ch${nn}_tests PRIVATE ${lib})
    if(TARGET aio_ch${nn}_demos)
      target_link_libraries(ch${nn}_tests PRIVATE aio_ch${nn}_demos)
    endif()
    _aio_test_program(ch${nn}_tests ch${nn})
    add_dependencies(ch${nn} ch${nn}_tests)
  endif()

  # Benchmarks: programs that print figures (`./course bench NN` runs them in Release).
  if(arg_BENCHMARKS)
    add_executable(ch${nn}_bench ${arg_BENCHMARKS})
    target_link_libraries(ch${nn}_bench PRIVATE ${lib})
    set_target_properties(ch${nn}_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bench")
    add_dependencies(ch${nn} ch${nn}_bench)
  endif()
endfunction()

# The exercises of chapter NN: one test source set, compiled twice.
#   exNN_tests  against the learner's files in exercises/NN-*/   (label exNN, what `grade` runs)
#   solNN_tests against the reference answers in solutions/NN-*/ (label solNN, must pass)
# and honesty.exNN, which passes only if every exercise test fails on the untouched stubs.
function(aio_exercises nn)
  _aio_find_dir(ex_dir exercises ${nn})
  _aio_find_dir(sol_dir solutions ${nn})
  file(GLOB tests CONFIGURE_DEPENDS "${ex_dir}/tests/*.cpp")
  foreach(flavour ex sol)
    set(dir "${${flavour}_dir}")
    file(GLOB sources CONFIGURE_DEPENDS "${dir}/*.cpp")
    set(target ${flavour}${nn}_tests)
    add_executable(${target} ${tests} ${sources})
    # The exercise directory comes first, so `#include "countdown.hpp"` finds the learner's file.
    target_include_directories(${target} BEFORE PRIVATE "${dir}")
    target_link_libraries(${target} PRIVATE aio_ch${nn})
    set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/exercises")
    _aio_test_program(${target} ${flavour}${nn})
    add_custom_target(${flavour}${nn} DEPENDS ${target})
  endforeach()
  add_test(NAME honesty.ex${nn} COMMAND ex${nn}_tests --aio-all-must-fail)
  set_tests_properties(honesty.ex${nn} PROPERTIES LABELS honesty TIMEOUT "${AIO_TEST_TIMEOUT}")
endfunction()

# A test that runs chNN_tests with ARGS (e.g. a hidden test's tag) and passes only if what it
# prints matches REGEX: for behaviour that ends the program, such as the watchdog stopping a
# test whose step never returns.
function(aio_expect_output nn name regex)
  add_test(NAME "ch${nn}/${name}" COMMAND ch${nn}_tests ${ARGN})
  set_tests_properties("ch${nn}/${name}" PROPERTIES
    PASS_REGULAR_EXPRESSION "${regex}" LABELS "ch${nn}" TIMEOUT "${AIO_TEST_TIMEOUT}")
endfunction()

# A source that must NOT compile, and the diagnostic that says why. The test passes only
# if the compiler rejects the file with a message matching REGEX, so a typo in the test
# source (a different error) fails it.
function(aio_compile_fail nn name source regex)
  set(probe aio_compile_fail_${name})
  # Never built: it only lends the test the chapter's include directories.
  add_library(${probe} OBJECT EXCLUDE_FROM_ALL "${source}")
  target_link_libraries(${probe} PRIVATE aio_ch${nn})
  get_filename_component(path "${source}" ABSOLUTE)
  add_test(NAME compile-fail.${name}
    COMMAND "${CMAKE_CXX_COMPILER}" -std=c++20 -fsyntax-only ${AIO_WARNING_FLAGS}
            "-I$<JOIN:$<TARGET_PROPERTY:${probe},INCLUDE_DIRECTORIES>,;-I>" "${path}"
    COMMAND_EXPAND_LISTS)
  set_tests_properties(compile-fail.${name} PROPERTIES
    PASS_REGULAR_EXPRESSION "${regex}" LABELS "compile-fail;ch${nn}" TIMEOUT "${AIO_TEST_TIMEOUT}")
endfunction()

# A grader-honesty check: copy chapter NN's solutions, make one edit to FILE (REPLACE, found
# exactly once, becomes WITH), build the chapter's exercise tests against that copy, and
# check that they fail with a pitfall report of KIND:
#   forgotten_co_await  a coroutine (or generator) made and never awaited (or run)
#   blocking_sleep      a step that blocked the loop
#   no_drain            a stream written to without drain(): its buffer grew past the limit
#   blocking_socket     a step that waits in a blocking socket call (named by the watchdog)
#   aio_inject(NN KIND FILE file REPLACE text WITH text)
function(aio_inject nn kind)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "FILE;REPLACE;WITH" "")
  if(kind STREQUAL "forgotten_co_await")
    set(expect "was never awaited|was created but never run")
  elseif(kind STREQUAL "blocking_sleep")
    set(expect "the loop was blocked for")
  elseif(kind STREQUAL "no_drain")
    set(expect "the writer never waits for it")
  elseif(kind STREQUAL "blocking_socket")
    set(expect "its thread waits in [a-z0-9]+\\(\\), a blocking call")
  else()
    message(FATAL_ERROR "aio_inject: unknown kind '${kind}'")
  endif()
  _aio_find_dir(ex_dir exercises ${nn})
  _aio_find_dir(sol_dir solutions ${nn})
  set(dir "${CMAKE_BINARY_DIR}/inject/${nn}-${kind}")
  file(GLOB files "${sol_dir}/*.hpp" "${sol_dir}/*.cpp")
  set(sources "")
  foreach(file IN LISTS files)
    get_filename_component(name "${file}" NAME)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
    file(READ "${file}" text)
    if(name STREQUAL arg_FILE)
      string(FIND "${text}" "${arg_REPLACE}" first)
      string(FIND "${text}" "${arg_REPLACE}" last REVERSE)
      if(first EQUAL -1 OR NOT first EQUAL last)
        message(FATAL_ERROR "aio_inject(${nn} ${kind}): the text to replace must occur exactly once in "
                            "${file}; it is:\n${arg_REPLACE}")
      endif()
      string(REPLACE "${arg_REPLACE}" "${arg_WITH}" text "${text}")
      # What a blocking sleep or a blocking socket call needs.
      set(text "#include <chrono>\n#include <thread>\n#include <fcntl.h>\n#include <sys/socket.h>\n${text}")
      set(edited TRUE)
    endif()
    file(WRITE "${dir}/${name}.new" "${text}")
    configure_file("${dir}/${name}.new" "${dir}/${name}" COPYONLY) # rewritten only if it changed
    if(name MATCHES "\\.cpp$")
      list(APPEND sources "${dir}/${name}")
    endif()
  endforeach()
  if(NOT edited)
    message(FATAL_ERROR "aio_inject(${nn} ${kind}): no ${arg_FILE} in ${sol_dir}")
  endif()
  file(GLOB tests "${ex_dir}/tests/*.cpp")
  set(target inject${nn}_${kind})
  add_executable(${target} ${tests} ${sources})
  target_include_directories(${target} BEFORE PRIVATE "${dir}")
  target_link_libraries(${target} PRIVATE aio_ch${nn} aio_testing)
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/exercises")
  add_test(NAME injection.ex${nn}.${kind}
    COMMAND "${CMAKE_COMMAND}" "-DEXE=$<TARGET_FILE:${target}>" "-DEXPECT=${expect}"
            "-DREPORT=${dir}/report.txt" -P "${PROJECT_SOURCE_DIR}/common/cmake/run_injection.cmake")
  set_tests_properties(injection.ex${nn}.${kind} PROPERTIES LABELS honesty TIMEOUT "${AIO_TEST_TIMEOUT}")
endfunction()
