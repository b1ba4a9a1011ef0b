# strata_headers(TARGET DIRECTORY...): TARGET's headers, "DIRECTORY/x.hpp",
# for TARGET itself and for what links it, and for nothing else.
#
# Each target gets an include root of its own in the build tree,
# build/include/TARGET, holding only symlinks to its own directories. Were
# the project root the include path, any target could include any header
# and the layers of docs/ARCHITECTURE.md would hold only by discipline;
# this way a target sees the headers of what it links (PUBLIC links
# transitively, PRIVATE ones not), so an include across a layer that the
# link graph does not allow fails to compile. Tests add the project root
# themselves: they may include everything.
function(strata_headers target)
  set(root ${CMAKE_BINARY_DIR}/include/${target})
  foreach(dir IN LISTS ARGN)
    if(NOT IS_DIRECTORY ${PROJECT_SOURCE_DIR}/${dir})
      message(FATAL_ERROR "strata_headers(${target}): no directory ${dir}")
    endif()
    get_filename_component(parent ${root}/${dir} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${dir} ${root}/${dir} SYMBOLIC)
  endforeach()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    target_include_directories(${target} INTERFACE ${root})
  else()
    target_include_directories(${target} PUBLIC ${root})
  endif()
endfunction()
