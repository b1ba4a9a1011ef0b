# The browser edition (docs/WEB.md) in headless Chromium: build/web must be
# built first (`make test` does, through `make web`).
add_test(NAME "web: the browser edition replays lessons in Chromium, pixels and progress checked"
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/run-browser-test.sh ${CMAKE_BINARY_DIR})
set_tests_properties("web: the browser edition replays lessons in Chromium, pixels and progress checked" PROPERTIES
                     LABELS "gui;web" SKIP_RETURN_CODE 77 TIMEOUT 300)
