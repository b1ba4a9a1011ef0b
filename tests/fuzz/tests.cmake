# The fuzz smoke run: builds fuzz/ with clang (its own CMake project, into
# this build dir) and runs each of its nine libFuzzer targets for 15 s.
# Zero crashes and zero sanitizer reports, or the test fails. Skipped (77)
# without clang 16+.
add_test(NAME fuzz_smoke
         COMMAND ${PROJECT_SOURCE_DIR}/fuzz/run-fuzz.sh ${CMAKE_BINARY_DIR}/fuzz 15)
set_tests_properties(fuzz_smoke PROPERTIES SKIP_RETURN_CODE 77 LABELS fuzz TIMEOUT 600)
