# Fails when a file includes what its directory must not (run by CTest).
# Most layer rules are the compiler's (cmake/strata_headers.cmake: a target
# sees only the headers of what it links); these are the ones it cannot
# hold (docs/ARCHITECTURE.md, "Directories and their rules").
set(violations "")
# Adds a violation for each of `sources` with a line matching `regex`.
function(forbid sources regex what)
  foreach(source IN LISTS sources)
    file(STRINGS ${source} lines REGEX "${regex}")
    if(lines)
      list(APPEND violations "${source}: ${what}: ${lines}")
    endif()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()
# GLFW's and SDL's headers are in the system include path, open to every
# target: only this keeps them, and ImGui's, in app/.
file(GLOB_RECURSE core_sources ${SOURCE_DIR}/engine/* ${SOURCE_DIR}/backends/* ${SOURCE_DIR}/lessons/*)
forbid("${core_sources}" "#include *[<\"](imgui|GLFW|SDL)" "UI header outside app/")
# lessons/availability.hpp speaks of the machine report, so the probe's and
# replay's headers are visible to the GUI through lessons; it still asks
# the lessons, never a backend directly. (<backends/imgui_impl_*.h> are
# ImGui's own platform glue, not strata's.)
file(GLOB_RECURSE window_sources ${SOURCE_DIR}/app/gui/* ${SOURCE_DIR}/app/platform/* ${SOURCE_DIR}/app/window/*
     ${SOURCE_DIR}/app/web/*)
forbid("${window_sources}" "#include *\"backends/" "a backend header in the GUI (ask lessons/ or engine/)")
file(GLOB_RECURSE all_sources ${SOURCE_DIR}/engine/* ${SOURCE_DIR}/backends/* ${SOURCE_DIR}/lessons/*
     ${SOURCE_DIR}/app/* ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.hpp)
foreach(source IN LISTS all_sources)
  file(STRINGS ${source} lines REGEX "#include *<linux/kvm.h>")
  if(NOT lines OR source MATCHES "/backends/kvm/linux_kvm.hpp$")
    continue()
  endif()
  # Inside backends/kvm the header comes through linux_kvm.hpp, which gives
  # C++ the kernel's struct sizes (and so the right ioctl numbers).
  if(source MATCHES "/backends/kvm/")
    list(APPEND violations "${source}: <linux/kvm.h> included directly (include backends/kvm/linux_kvm.hpp)")
  else()
    list(APPEND violations "${source}: <linux/kvm.h> outside backends/kvm")
  endif()
endforeach()
# Host-side temp files go under the temp directory (TMPDIR), named by
# TempDir, so that sweep_stale() finds a killed run's and the tests' leak
# check sees them. Paths inside a container's own root are not the host's.
foreach(source IN LISTS core_sources)
  if(source MATCHES "/backends/linux/(temp_dir|sweep)\\.cpp$|/lessons/container/")
    continue()
  endif()
  file(STRINGS ${source} lines REGEX "\"/tmp[/\"]")
  if(lines)
    list(APPEND violations "${source}: a hard-coded /tmp path (use linux::TempDir): ${lines}")
  endif()
endforeach()
if(violations)
  list(JOIN violations "\n" text)
  message(FATAL_ERROR "architecture boundaries broken:\n${text}")
endif()
message(STATUS "architecture boundaries hold")
