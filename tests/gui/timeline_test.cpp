#include <catch2/catch.hpp>

#include <set>

#include <imgui_internal.h>

#include "app/gui/event_text.hpp"
#include "app/gui/panel_splits.hpp"
#include "app/gui/text_fit.hpp"
#include "app/gui/timeline_view.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using engine::LayerId;

TEST_CASE("The timeline filter keeps exactly the matching events", "[gui][timeline]") {
    const auto snap = tests::fixture_snapshot(4);  // 6 events, the last failed
    const auto& events = snap.events;
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

TEST_CASE("Text too wide for its cell is cut in the middle, keeping both ends", "[gui][timeline][fit]") {
    auto width_of = [](std::string_view s) {  // one unit per character, "…" included
        float n = 0;
        for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        return n;
    };
    CHECK(gui::elide_middle("ioctl(KVM_RUN)", 14, width_of) == "ioctl(KVM_RUN)");
    const std::string cut = gui::elide_middle("mount(\"proc\", \"/proc\", \"proc\", MS_NOSUID)", 20, width_of);
    CHECK(width_of(cut) <= 20);
    CHECK(width_of(cut) >= 18);  // as much as fits, not a stub
    CHECK(cut.starts_with("mount(\"pr"));
    CHECK(cut.ends_with("NOSUID)"));
    CHECK_THAT(cut, Catch::Contains("…"));
    CHECK(gui::elide_middle("abcdef", 0.5f, width_of) == "…");
    // Never half a character: "µs" and "→" are two and three bytes.
    const std::string units = gui::elide_middle("12 µs → 34 µs → 56 µs → 78 µs", 9, width_of);
    CHECK(width_of(units) <= 9);
    for (std::size_t i = 0; i + 1 < units.size(); ++i)
        if ((static_cast<unsigned char>(units[i]) & 0xC0) == 0xC0) CHECK((static_cast<unsigned char>(units[i + 1]) & 0xC0) == 0x80);
}

TEST_CASE("At 1024x768 the timeline's call column keeps its room and no cell's text is cut off", "[gui][timeline][fit]") {
    // The timeline panel of a 1024x768 window with the default splits.
    const auto panels = gui::panel_layout(ImVec2(1024, 768), 20, {});
    tests::HeadlessImGui imgui(panels.timeline.GetWidth(), panels.timeline.GetHeight());
    ImGuiStyle style;
    const auto p = gui::make_theme("dark", style).palette;
    const auto snap = tests::fixture_snapshot(4);
    gui::TimelineViewState state;
    for (int i = 0; i < 2; ++i) imgui.frame([&] { gui::timeline_view(&snap, p, state); });
    REQUIRE(state.call_width);
    CHECK(*state.call_width >= ImGui::GetFontSize() * 11);  // 12 em less its padding
    const auto cut = tests::HeadlessImGui::text_cut_sideways();
    CAPTURE(cut);
    CHECK(cut.empty());
}

TEST_CASE("A narrow, large-type timeline wraps its toolbar: every control can be reached", "[gui][timeline][fit][toolbar]") {
    tests::HeadlessImGui imgui(300, 400);
    ImGui::GetIO().FontGlobalScale = 2.0f;
    ImGuiStyle style;
    const auto p = gui::make_theme("dark", style).palette;
    const auto snap = tests::fixture_snapshot(4);
    gui::TimelineViewState state;
    ImGuiID this_step = 0, failed = 0, export_button = 0;
    auto draw = [&] {
        gui::timeline_view(&snap, p, state);
        // The toolbar's items, as the view names them in this window.
        this_step = ImGui::GetID("this step");
        failed = ImGui::GetID("failed");
        export_button = ImGui::GetID("Export…");
    };
    imgui.frame(draw);
    // Move the mouse over the window's top and note what can be hovered.
    std::set<ImGuiID> hovered;
    for (float y = 2; y < 200; y += 5)
        for (float x = 2; x < 300; x += 5) {
            ImGui::GetIO().MousePos = ImVec2(x, y);
            imgui.frame(draw);
            hovered.insert(GImGui->HoveredId);
        }
    CHECK(hovered.count(this_step));
    CHECK(hovered.count(failed));
    CHECK(hovered.count(export_button));
}

namespace {

engine::TraceEvent streamed_event(std::uint64_t sequence, bool failed) {
    engine::TraceEvent e;
    e.sequence = sequence;
    e.step = 0;
    e.kind = engine::EventKind::vm_exit;
    e.name = failed ? "ioctl(KVM_RUN)" : "exit: IO out port 0x3f8";
    e.layers = {LayerId::cpu_virt, LayerId::kvm, LayerId::vmm};
    if (failed) {
        e.error = 4;
        e.detail = "interrupted";
    }
    return e;
}

}  // namespace

TEST_CASE("While a step streams events, each frame adds only the new rows, and they are the rows a fresh view shows",
          "[gui][timeline]") {
    tests::HeadlessImGui imgui;
    ImGuiStyle style;
    const auto palette = gui::make_theme("dark", style).palette;
    engine::EventLog log;
    engine::Snapshot snap;
    snap.current_step = 0;
    gui::TimelineViewState state;
    std::uint64_t next = 0;
    for (int frame = 0; frame < 5; ++frame) {
        for (int i = 0; i < 300; ++i, ++next) log.append(streamed_event(next, next % 7 == 0));
        snap.events = log.view();
        imgui.frame([&] { gui::timeline_view(&snap, palette, state); });
    }
    CHECK(state.lines.filtered == 1500);  // each frame looked at its 300 new events only
    gui::TimelineViewState fresh;
    imgui.frame([&] { gui::timeline_view(&snap, palette, fresh); });
    CHECK(state.rows_shown == 1500);
    REQUIRE(state.lines.lines.size() == fresh.lines.lines.size());
    CHECK(state.lines.lines.size() == 1500 + 215);  // every 7th failed, with its "why" line
    bool same = true;
    for (std::size_t i = 0; i < fresh.lines.lines.size(); ++i)
        same = same && state.lines.lines[i].event == fresh.lines.lines[i].event &&
               state.lines.lines[i].why == fresh.lines.lines[i].why;
    CHECK(same);

    SECTION("a changed filter starts the rows afresh") {
        state.filter.failed_only = true;
        imgui.frame([&] { gui::timeline_view(&snap, palette, state); });
        CHECK(state.rows_shown == 215);
    }
    SECTION("another run's log starts them afresh too") {
        engine::EventLog other;
        other.append(streamed_event(0, false));
        snap.events = other.view();
        imgui.frame([&] { gui::timeline_view(&snap, palette, state); });
        CHECK(state.rows_shown == 1);
    }
}
