# The soak (`strata bench soak`): every live lesson as separate strata
# runs, some stopped by signals, the host checked after each.
add_library(strata_soak STATIC ${CMAKE_CURRENT_LIST_DIR}/soak.cpp)
strata_headers(strata_soak bench)
target_link_libraries(strata_soak PUBLIC strata_engine strata_linux strata_probe strata_lessons)
