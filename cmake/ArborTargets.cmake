# Helpers that keep every subsystem's CMakeLists.txt a few lines long.

set(ARBOR_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
if(ARBOR_WERROR)
  list(APPEND ARBOR_WARNINGS -Werror)
endif()
# GCC 12 at -O3 reports "accessing 9223372036854775810 or more bytes" inside
# std::string's operator+ (GCC bug 105651) and "may be used uninitialized" for
# strings in aggregates built in place (GCC bug 107138): false positives in the
# standard library's inlined code, not in ours, so they must not fail Release.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND ARBOR_WARNINGS -Wno-restrict -Wno-maybe-uninitialized)
endif()

# arbor_library(NAME SOURCES... DEPS...): one static library per subsystem folder.
# Public headers are included as "<folder>/<file>.h" from src/.
function(arbor_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/generated)
  target_compile_options(${name} PRIVATE ${ARBOR_WARNINGS})
  target_link_libraries(${name} PUBLIC ${A_DEPS})
endfunction()

# arbor_test(NAME SOURCES... DEPS... [LABELS...]): a GoogleTest binary registered with ctest.
function(arbor_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARBOR_TESTS)
    return()
  endif()
  add_executable(${name} ${A_SOURCES})
  target_compile_options(${name} PRIVATE ${ARBOR_WARNINGS})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${A_TIMEOUT} LABELS "unit;${A_LABELS}")
endfunction()
