# GUI tests.
#   strata_gui_view_tests    headless: a bare ImGui context, no window, no GL;
#                            views get Snapshots of a fixture lesson
#   strata_gui_window_tests  real windows under Xvfb (GLFW and SDL2), stepping
#                            a real lesson with simulated input and checking
#                            pixels; plain add_test so that Catch2's discovery
#                            never needs a display
if(TARGET strata_window)
  add_library(strata_gui_test_support STATIC gui/fixture_lesson.cpp gui/headless.cpp gui/exercise_scratch.cpp unit/exercise_fixture.cpp)
  target_include_directories(strata_gui_test_support PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(strata_gui_test_support PUBLIC strata_gui_views Catch2::Catch2)

  add_executable(strata_gui_view_tests gui/diagram_test.cpp gui/diagram_routes_test.cpp gui/draw_audit_test.cpp gui/timeline_test.cpp gui/controls_test.cpp gui/inspector_plots_test.cpp
                 gui/content_test.cpp gui/shell_test.cpp gui/replay_test.cpp
                 gui/console_test.cpp gui/exercise_test.cpp
                 gui/demo_test.cpp gui/panels_test.cpp gui/terminal_text_test.cpp gui/fit_test.cpp gui/navigator_test.cpp gui/inspector_tabs_test.cpp gui/contrast_test.cpp gui/demo_fit_test.cpp gui/browser_edition_test.cpp)
  target_link_libraries(strata_gui_view_tests PRIVATE Catch2::Catch2WithMain strata_gui_test_support)
  catch_discover_tests(strata_gui_view_tests PROPERTIES LABELS gui)

  add_executable(strata_gui_window_tests gui/window_test.cpp)
  target_link_libraries(strata_gui_window_tests PRIVATE strata_window strata_gui_test_support)
  find_program(XVFB_RUN xvfb-run)
  if(XVFB_RUN)
    foreach(platform glfw sdl2)
      add_test(NAME "gui window (${platform}): step a real lesson, check pixels"
               COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24 -noreset"
                       $<TARGET_FILE:strata_gui_window_tests> --platform ${platform}
                       --screenshots ${CMAKE_BINARY_DIR}/gui-screenshots)
      set_tests_properties("gui window (${platform}): step a real lesson, check pixels" PROPERTIES
                           LABELS "gui" SKIP_RETURN_CODE 77 TIMEOUT 90 RESOURCE_LOCK host)
    endforeach()
    # A signal closes the window and removes what its lesson made.
    add_test(NAME "gui window: a signal mid-lesson closes it and leaves nothing behind"
             COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24 -noreset"
                     ${CMAKE_CURRENT_LIST_DIR}/signal_window_test.sh $<TARGET_FILE:strata>)
    set_tests_properties("gui window: a signal mid-lesson closes it and leaves nothing behind" PROPERTIES
                         LABELS "gui" SKIP_RETURN_CODE 77 TIMEOUT 120 RESOURCE_LOCK host)
    # The layout audit (strata screenshot --audit) on every step of every
    # lesson, replayed, in two window sizes, normal and demo, every theme
    # (1680 pictures, about 45 s):
    # the diagram must have no wire through a box or over text, no wires
    # on top of each other; no text anywhere in the window may be cut off
    # (beyond scrolling), drawn over other text or read below 4.5:1.
    # layout-audit.json keeps what was measured.
    add_test(NAME "gui layout audit: every step, two sizes, normal and demo, every theme, nothing cut"
             COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24 -noreset"
                     $<TARGET_FILE:strata> screenshot --audit --audit-sizes 1280x800,1024x768
                     --audit-modes normal,demo --audit-themes dark,light,high-contrast --fail-on all
                     -o ${CMAKE_BINARY_DIR}/layout-audit.json)
    set_tests_properties("gui layout audit: every step, two sizes, normal and demo, every theme, nothing cut" PROPERTIES
                         LABELS "gui" SKIP_RETURN_CODE 77 TIMEOUT 180)
    # Exit code 3 and a pointer to the CLI, checked together.
    add_test(NAME "gui: no display exits 3 with a message pointing to the CLI"
             COMMAND sh -c "out=$(env -u DISPLAY -u WAYLAND_DISPLAY \"$0\" gui 2>&1); code=$?; echo \"$out\"; [ $code -eq 3 ] && echo \"$out\" | grep -q 'strata list'"
                     $<TARGET_FILE:strata>)
    set_tests_properties("gui: no display exits 3 with a message pointing to the CLI" PROPERTIES LABELS gui RESOURCE_LOCK host)
    add_test(NAME "gui: strata --demo with no display exits 3 with the same message"
             COMMAND sh -c "out=$(env -u DISPLAY -u WAYLAND_DISPLAY \"$0\" --demo --auto-advance 5 2>&1); code=$?; echo \"$out\"; [ $code -eq 3 ] && echo \"$out\" | grep -q 'strata list'"
                     $<TARGET_FILE:strata>)
    set_tests_properties("gui: strata --demo with no display exits 3 with the same message" PROPERTIES LABELS gui RESOURCE_LOCK host)
  endif()
endif()
