# Container track: the lessons run for real, as root and as nobody (the
# binary runs as root and forks unprivileged children itself), plus unit
# tests of flag decoding, cgroup paths and narratives that need nothing.
set(container_dir ${CMAKE_CURRENT_LIST_DIR})
strata_backend_tests(strata_container_tests userns
  ${container_dir}/lesson_runner.cpp
  ${container_dir}/namespace_lessons_test.cpp
  ${container_dir}/cgroups_test.cpp
  ${container_dir}/network_test.cpp
  ${container_dir}/lockdown_test.cpp
  ${container_dir}/sigkill_test.cpp
  ${container_dir}/network_sigkill_test.cpp
  ${container_dir}/signal_cleanup_test.cpp
  ${container_dir}/two_at_once_test.cpp
  ${container_dir}/recording_matches_live_test.cpp
  ${container_dir}/exercises_test.cpp
  ${container_dir}/probe_test.cpp
  ${container_dir}/agent_threads_test.cpp
  ${container_dir}/image_sealed_test.cpp
  ${container_dir}/whole_test.cpp
  ${container_dir}/soak_test.cpp
)
# The signal tests run the strata program next to the tests.
add_dependencies(strata_container_tests strata)
# The exercise tests drive `strata lab check` in-process.
target_link_libraries(strata_container_tests PRIVATE strata_cli)
file(GLOB container_unit_sources CONFIGURE_DEPENDS ${container_dir}/unit_*.cpp)
add_executable(strata_container_unit_tests ${container_unit_sources})
target_link_libraries(strata_container_unit_tests PRIVATE Catch2::Catch2WithMain strata_test_support strata_lessons)
catch_discover_tests(strata_container_unit_tests LABELS unit)
