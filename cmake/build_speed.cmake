# What keeps a build short on a 2-core lab machine (docs/PERFORMANCE.md,
# "Building strata").
#
# 1. Precompiled headers. A handful of header-only libraries cost most of
#    the compile time: measured here, a file that only includes CLI11 takes
#    16 s to compile, nlohmann/json 5 s, Catch2 2.6 s, fmt 1.5 s, and about
#    100 files include json, 117 Catch2, 156 fmt. Each target parses them
#    once, not once per file.
# 2. `make run` builds the strata_runtime target: strata and what it runs,
#    not the tests and benchmarks.
# The default build type (RelWithDebInfo) keeps line tables only (-g1):
# backtraces and sanitizer reports still name file and line, and the
# compiler writes a third of the debug information. -DCMAKE_BUILD_TYPE=Debug
# gives the whole of it, for gdb.

# Headers every C++ file of `target` gets precompiled (C and assembly files
# are left alone). Extra headers for this target may follow.
function(strata_precompile target)
  set(headers <string> <vector> <map> <memory> <optional> <functional> <fmt/format.h> <nlohmann/json.hpp> ${ARGN})
  list(TRANSFORM headers PREPEND "$<$<COMPILE_LANGUAGE:CXX>:")
  list(TRANSFORM headers APPEND ">")
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

# Applied after every target exists: one list, and the targets' own
# CMakeLists stay about what they build.
function(strata_precompile_all)
  foreach(target strata_engine strata_kvm strata_linux strata_probe strata_measure strata_lessons strata_replay
                 strata_bench strata_compare_bench strata_container_bench strata_soak strata_gui_views strata_platform
                 strata_window)
    if(TARGET ${target})
      strata_precompile(${target})
    endif()
  endforeach()
  if(TARGET strata_cli)
    strata_precompile(strata_cli <CLI/CLI.hpp>)
  endif()
  # Test binaries: Catch2 too. A file that defines CATCH_CONFIG_MAIN or
  # _RUNNER before including Catch2 must see the header itself.
  get_property(test_targets DIRECTORY ${PROJECT_SOURCE_DIR}/tests PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS test_targets)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE" OR type STREQUAL "STATIC_LIBRARY")
      strata_precompile(${target} <catch2/catch.hpp>)
      get_target_property(sources ${target} SOURCES)
      get_target_property(source_dir ${target} SOURCE_DIR)
      foreach(source IN LISTS sources)
        if(source MATCHES "requirement_main\\.cpp$|window_test\\.cpp$")
          cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${source_dir})
          set_source_files_properties(${source} TARGET_DIRECTORY ${target} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
        endif()
      endforeach()
    endif()
  endforeach()
endfunction()

set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O2 -g1 -DNDEBUG")
set(CMAKE_C_FLAGS_RELWITHDEBINFO "-O2 -g1 -DNDEBUG")
