# `strata bench exit-cost` and its raw floor.
target_sources(strata_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/exit_cost_bench.cpp)
add_executable(strata-raw-exit-cost ${CMAKE_CURRENT_LIST_DIR}/raw_exit_cost.c)
target_link_libraries(strata-raw-exit-cost PRIVATE strata_guests)
