# Test tiers. Every test carries one label: unit, host, qemu or fuzz, so that
# `ctest -L unit` runs a tier and plain `ctest` runs all of them.
#
#   nd_add_unit_test(NAME SOURCES ... [LIBS ...] [ENV ...])
#       cmocka test, no root. Run with ND_FIXTURES pointing at tests/fixtures.
#   nd_add_host_test(NAME COMMAND ... [ENV ...])
#       needs root and loop devices; the test itself exits 77 with a reason
#       when it cannot run, and ctest reports it as skipped.
#   nd_add_fuzz_target(NAME SOURCES ... [LIBS ...])
#       libFuzzer target (only with ND_FUZZ); ctest runs a short smoke over
#       the committed corpus in tests/fuzz/corpus/NAME.
set(ND_FIXTURES_DIR ${PROJECT_SOURCE_DIR}/tests/fixtures)
set(ND_FUZZ_SMOKE_RUNS 50000 CACHE STRING "libFuzzer executions per fuzz target in the ctest smoke run")

function(nd_add_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;ENV" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  add_test(NAME unit/${name} COMMAND ${name})
  set_tests_properties(unit/${name} PROPERTIES LABELS unit
    ENVIRONMENT "ND_FIXTURES=${ND_FIXTURES_DIR};ND_BUILD_DIR=${PROJECT_BINARY_DIR};${T_ENV}")
endfunction()

function(nd_add_host_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "COMMAND;ENV" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  add_test(NAME host/${name} COMMAND ${T_COMMAND})
  set_tests_properties(host/${name} PROPERTIES LABELS host SKIP_RETURN_CODE 77
    TIMEOUT ${T_TIMEOUT} RUN_SERIAL TRUE
    ENVIRONMENT "ND_FIXTURES=${ND_FIXTURES_DIR};ND_BUILD_DIR=${PROJECT_BINARY_DIR};ND_SOURCE_DIR=${PROJECT_SOURCE_DIR};${T_ENV}")
endfunction()

function(nd_add_fuzz_target name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT ND_FUZZ)
    return()
  endif()
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${T_LIBS})
  add_test(NAME fuzz/${name}
    COMMAND ${PROJECT_SOURCE_DIR}/tests/fuzz/run-smoke $<TARGET_FILE:${name}>
            ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name} ${ND_FUZZ_SMOKE_RUNS})
  set_tests_properties(fuzz/${name} PROPERTIES LABELS fuzz TIMEOUT 600)
endfunction()
