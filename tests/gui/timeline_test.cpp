#include <catch2/catch.hpp>

#include "app/gui/event_text.hpp"
#include "app/gui/timeline_view.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using engine::LayerId;

TEST_CASE("The timeline filter keeps exactly the matching events", "[gui][timeline]") {
    const auto snap = tests::fixture_snapshot(4);  // 6 events, the last failed
    const auto& events = *snap.events;
    REQUIRE(events.size() == 6);
    gui::TimelineFilter filter;
    SECTION("no filter keeps everything") { CHECK(gui::filter_events(events, filter, snap.current_step).size() == 6); }
    SECTION("by layer (a diagram click)") {
        filter.layer = LayerId::kvm;
        CHECK(gui::filter_events(events, filter, snap.current_step) == std::vector<std::size_t>{1, 2, 3});
    }
    SECTION("by search text, case-insensitively, in call and arguments") {
        filter.search = "kvm_run";
        CHECK(gui::filter_events(events, filter, snap.current_step) == std::vector<std::size_t>{1});
        filter.search = "clone_newuts";  // an argument value
        CHECK(gui::filter_events(events, filter, snap.current_step).size() == 6);
    }
    SECTION("by errno name and explanation") {
        filter.search = "EPERM";
        CHECK(gui::filter_events(events, filter, snap.current_step) == std::vector<std::size_t>{5});
        filter.search = "cap_sys_admin";
        CHECK(gui::filter_events(events, filter, snap.current_step) == std::vector<std::size_t>{5});
    }
    SECTION("failed only") {
        filter.failed_only = true;
        CHECK(gui::filter_events(events, filter, snap.current_step) == std::vector<std::size_t>{5});
    }
    SECTION("the current step only") {
        filter.current_step_only = true;
        CHECK(gui::filter_events(events, filter, 1) == std::vector<std::size_t>{1, 2, 3});
    }
    SECTION("filters combine") {
        filter.layer = LayerId::runtime;
        filter.search = "mount";
        CHECK(gui::filter_events(events, filter, snap.current_step) == std::vector<std::size_t>{5});
    }
}

TEST_CASE("The timeline view shows the filtered rows and draws a failed call in the failure colour", "[gui][timeline]") {
    tests::HeadlessImGui imgui;
    ImGuiStyle style;
    const auto palette = gui::make_theme("dark", style).palette;
    const auto snap = tests::fixture_snapshot(4);
    gui::TimelineViewState state;
    imgui.frame([&] { gui::timeline_view(&snap, palette, state); });
    CHECK(state.rows_shown == 6);
    CHECK(tests::HeadlessImGui::drew_colour(palette.failed));
    state.filter.layer = LayerId::namespaces;
    imgui.frame([&] { gui::timeline_view(&snap, palette, state); });
    CHECK(state.rows_shown == 1);
    SECTION("a run without failures draws nothing in the failure colour") {
        const auto ok = tests::fixture_snapshot(2);
        gui::TimelineViewState fresh;
        imgui.frame([&] { gui::timeline_view(&ok, palette, fresh); });
        CHECK_FALSE(tests::HeadlessImGui::drew_colour(palette.failed));
    }
}

TEST_CASE("A timeline row keeps an argument's newlines on one line, as escapes", "[gui]") {
    // compare/runtime's process is /bin/sh -c with an 18-line probe script:
    // its argv argument filled one row with many lines.
    strata::engine::TraceEvent event;
    event.name = "fork + execve(/bin/sh -c id -u… (18 lines))";
    event.args = {{"argv", "/bin/sh -c id -u\ngrep CapEff\techo\x1b"}};
    const auto text = strata::gui::event_call_text(event);
    CHECK(text.find('\n') == std::string::npos);
    CHECK(text.find("id -u\\ngrep CapEff\\techo\\x1b") != std::string::npos);
}
