# The package as a lab admin installs it: CPack builds the .deb, apt
# installs it into a throwaway overlay of / in a private mount namespace,
# and the installed strata runs there (tests/package/install-package.sh).
add_test(NAME package_installs_and_runs
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/install-package.sh ${CMAKE_BINARY_DIR} ${PROJECT_SOURCE_DIR})
set_tests_properties(package_installs_and_runs PROPERTIES
  SKIP_RETURN_CODE 77 RESOURCE_LOCK host LABELS package TIMEOUT 300)
