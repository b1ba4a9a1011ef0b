# Track compare: lessons that need both a real /dev/kvm and user namespaces,
# run for real on this machine, or where it has no usable /dev/kvm inside
# the QEMU fallback with strata, its helpers, the image and the assets
# (tests/kvm-in-qemu/run-with-build-tree.sh launches each case). Skipped,
# exit 77 with the reason, only where neither can run. Labelled kvm (CTest
# labels from catch_discover_tests take one word).
add_executable(strata_compare_tests ${PROJECT_SOURCE_DIR}/tests/support/requirement_main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lesson_run.cpp
  ${CMAKE_CURRENT_LIST_DIR}/whose_kernel_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/start_time_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/footprint_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/isolation_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/patching_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/guest_speed_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_run.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_cli_test.cpp)
target_compile_definitions(strata_compare_tests PRIVATE STRATA_TEST_REQUIREMENT="kvm+userns"
                           STRATA_BINARY="$<TARGET_FILE:strata>")
target_link_libraries(strata_compare_tests PRIVATE strata_test_support strata_lessons)
add_dependencies(strata_compare_tests strata strata-idle-vm)
set_property(TARGET strata_compare_tests PROPERTY CROSSCOMPILING_EMULATOR
             ${PROJECT_SOURCE_DIR}/tests/kvm-in-qemu/run-with-build-tree.sh ${CMAKE_BINARY_DIR} ${STRATA_ASSET_DIR})
catch_discover_tests(strata_compare_tests PROPERTIES SKIP_RETURN_CODE 77 RESOURCE_LOCK host LABELS kvm)

# compare/same-image and `strata bench start`'s Linux row boot a Linux guest:
# hardware-assisted KVM, or the QEMU fallback (also on a software-nested
# /dev/kvm, where a boot would take hours).
add_executable(strata_same_image_tests ${PROJECT_SOURCE_DIR}/tests/support/requirement_main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lesson_run.cpp
  ${CMAKE_CURRENT_LIST_DIR}/same_image_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_run.cpp
  ${CMAKE_CURRENT_LIST_DIR}/linux_start_test.cpp)
target_compile_definitions(strata_same_image_tests PRIVATE STRATA_TEST_REQUIREMENT="kvm+userns"
                           STRATA_BINARY="$<TARGET_FILE:strata>")
target_link_libraries(strata_same_image_tests PRIVATE strata_test_support strata_lessons)
add_dependencies(strata_same_image_tests strata)
set_property(TARGET strata_same_image_tests PROPERTY CROSSCOMPILING_EMULATOR
             ${PROJECT_SOURCE_DIR}/tests/kvm-in-qemu/run-with-build-tree.sh --linux-guest ${CMAKE_BINARY_DIR} ${STRATA_ASSET_DIR})
catch_discover_tests(strata_same_image_tests PROPERTIES SKIP_RETURN_CODE 77 RESOURCE_LOCK host LABELS kvm)
