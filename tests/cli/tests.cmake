# The strata binary run as a user would: exit codes, messages, JSON.
add_executable(strata_cli_tests ${CMAKE_CURRENT_LIST_DIR}/cli_test.cpp ${CMAKE_CURRENT_LIST_DIR}/lab_test.cpp
               ${CMAKE_CURRENT_LIST_DIR}/man_page_test.cpp ${CMAKE_CURRENT_LIST_DIR}/reveal_test.cpp
               ${CMAKE_CURRENT_LIST_DIR}/run_strata.cpp
               ${CMAKE_CURRENT_LIST_DIR}/shell_isolation_test.cpp ${CMAKE_CURRENT_LIST_DIR}/templates_filled_test.cpp
               ${CMAKE_CURRENT_LIST_DIR}/replay_honesty_test.cpp ${CMAKE_CURRENT_LIST_DIR}/cli_edges_test.cpp
               ${CMAKE_CURRENT_LIST_DIR}/step_key_test.cpp)
target_include_directories(strata_cli_tests PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_definitions(strata_cli_tests PRIVATE STRATA_BINARY="$<TARGET_FILE:strata>"
                                                   STRATA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
# strata_cli: the terminal's exercise prompts, driven on replays (templates_filled_test).
target_link_libraries(strata_cli_tests PRIVATE Catch2::Catch2WithMain strata_test_support strata_cli nlohmann_json::nlohmann_json)
add_dependencies(strata_cli_tests strata)
# They run strata, which makes cgroups and temp dirs (a shell's lockdown, a
# lesson) and sweeps dead ones: they share the suites' "host" lock.
catch_discover_tests(strata_cli_tests PROPERTIES LABELS cli RESOURCE_LOCK host)

# Architecture boundaries the compiler cannot hold (docs/ARCHITECTURE.md):
# no UI headers below app/, no backend header in the GUI, <linux/kvm.h>
# only in backends/kvm (and the raw floors in bench/), no /tmp literals.
add_test(NAME architecture_boundaries
         COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/boundaries.cmake)
set_tests_properties(architecture_boundaries PROPERTIES LABELS unit)
