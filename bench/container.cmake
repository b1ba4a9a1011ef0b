# Container start benchmark (`strata bench container`): the raw C floor and
# strata's own path, with peers when installed. Included by
# bench/CMakeLists.txt; never part of `make test`.
add_executable(strata-raw-container ${CMAKE_CURRENT_LIST_DIR}/raw_container.c)
set_target_properties(strata-raw-container PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

# Times a peer runtime from inside a private mount namespace (crun on hybrid cgroups).
add_executable(strata-container-timer ${CMAKE_CURRENT_LIST_DIR}/container_timer.c)
set_target_properties(strata-container-timer PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

add_library(strata_container_bench STATIC ${CMAKE_CURRENT_LIST_DIR}/container_bench.cpp)
strata_headers(strata_container_bench bench)
target_link_libraries(strata_container_bench PUBLIC strata_bench strata_measure strata_linux strata_engine)
add_dependencies(strata_container_bench strata-raw-container)

# A standalone runner until `strata bench container` is wired in the CLI.
add_executable(strata-bench-container ${CMAKE_CURRENT_LIST_DIR}/container_bench_main.cpp)
target_link_libraries(strata-bench-container PRIVATE strata_container_bench)
set_target_properties(strata-bench-container PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
