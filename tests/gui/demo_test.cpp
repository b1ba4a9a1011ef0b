// Demo mode headless: the presenter's keys, the layout at every size, the
// auto-advance timing, and the whole demo shell stepping the fixture
// lesson (errors inline on the diagram, settings kept apart).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "app/gui/app_shell.hpp"
#include "app/gui/demo_mode.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using namespace std::chrono_literals;
using gui::CommandKind;

namespace {

gui::KeyMap demo_keys_map() {
    gui::KeyMap keys{80, 82, 61, 334, 45, 333};  // GLFW's numbering
    keys.blank = 66;
    keys.fullscreen = 70;
    keys.notes = 78;
    for (int d = 0; d <= 9; ++d) keys.digits[d] = 48 + d;
    return keys;
}

int named(ImGuiKey k) { return ImGui::GetIO().KeyMap[k]; }

gui::Commands press(tests::HeadlessImGui& imgui, int key, const engine::Snapshot* snap, gui::DemoKeysInput input) {
    const auto keys = demo_keys_map();
    gui::Commands out;
    imgui.frame([&] { gui::demo_keys(snap, input, keys); });
    ImGui::GetIO().KeysDown[key] = true;
    imgui.frame([&] { out = gui::demo_keys(snap, input, keys); });
    ImGui::GetIO().KeysDown[key] = false;
    return out;
}

bool only(const gui::Commands& c, CommandKind kind) { return c.size() == 1 && c[0].kind == kind; }

bool overlaps(const ImRect& a, const ImRect& b) {
    return a.GetWidth() > 0 && a.GetHeight() > 0 && b.GetWidth() > 0 && b.GetHeight() > 0 && a.Overlaps(b);
}

double area(const ImRect& r) { return std::max(0.0f, r.GetWidth()) * std::max(0.0f, r.GetHeight()); }

// A shell that opens the fixture lesson in demo mode, windowed.
gui::ShellOptions demo_options() {
    gui::ShellOptions o;
    o.lesson = "test/fixture";
    o.probe_machine = false;
    o.keys = demo_keys_map();
    o.demo = true;
    o.allow_fullscreen = false;
    return o;
}

// One frame at time `t`, reloading the fonts first when the shell asks
// (what the platform does, run_loop.cpp); then waits for the worker.
gui::FrameOutcome shell_frame(tests::HeadlessImGui& imgui, gui::AppShell& shell, double t) {
    if (shell.fonts_dirty()) {
        shell.load_fonts();
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&px, &w, &h);
    }
    gui::FrameOutcome outcome;
    imgui.raw_frame([&] { outcome = shell.frame(t); });
    shell.controller().wait_idle(5s);
    return outcome;
}

}  // namespace

TEST_CASE("Demo mode's presenter keys give the right commands", "[gui][demo]") {
    tests::HeadlessImGui imgui;
    const auto fresh = tests::fixture_snapshot(0);
    const auto middle = tests::fixture_snapshot(2);
    const gui::DemoKeysInput idle{};

    SECTION("Right, Page Down and Space: next step") {
        CHECK(only(press(imgui, named(ImGuiKey_RightArrow), &fresh, idle), CommandKind::step));
        CHECK(only(press(imgui, named(ImGuiKey_PageDown), &fresh, idle), CommandKind::step));
        CHECK(only(press(imgui, named(ImGuiKey_Space), &fresh, idle), CommandKind::step));
    }
    SECTION("Left and Page Up: step back, once there is a step to go back from") {
        CHECK(only(press(imgui, named(ImGuiKey_LeftArrow), &middle, idle), CommandKind::step_back));
        CHECK(only(press(imgui, named(ImGuiKey_PageUp), &middle, idle), CommandKind::step_back));
        CHECK(press(imgui, named(ImGuiKey_PageUp), &fresh, idle).empty());
    }
    SECTION("number keys jump to that step; a step the lesson lacks does nothing") {
        const auto c = press(imgui, 48 + 3, &fresh, idle);
        REQUIRE(only(c, CommandKind::jump_to_step));
        CHECK(c[0].number == 3);
        CHECK(press(imgui, 48 + 5, &fresh, idle).empty());  // the fixture has 4 steps
        CHECK(press(imgui, 48 + 0, &fresh, idle).empty());  // 0 is step 10
    }
    SECTION("B blanks, F full screen, N notes, + and - without Ctrl") {
        CHECK(only(press(imgui, 66, &middle, idle), CommandKind::toggle_blank));
        CHECK(only(press(imgui, 70, &middle, idle), CommandKind::toggle_fullscreen));
        CHECK(only(press(imgui, 78, &middle, idle), CommandKind::toggle_notes));
        CHECK(only(press(imgui, 61, &middle, idle), CommandKind::font_bigger));
        CHECK(only(press(imgui, 45, &middle, idle), CommandKind::font_smaller));
    }
    SECTION("a blank screen ignores everything but B and Esc") {
        const gui::DemoKeysInput blank{false, true};
        CHECK(press(imgui, named(ImGuiKey_RightArrow), &fresh, blank).empty());
        CHECK(press(imgui, 70, &fresh, blank).empty());
        CHECK(only(press(imgui, 66, &fresh, blank), CommandKind::toggle_blank));
        CHECK(only(press(imgui, named(ImGuiKey_Escape), &fresh, blank), CommandKind::toggle_blank));
    }
    SECTION("Esc cancels a running step, else leaves demo mode; no step while one runs") {
        const gui::DemoKeysInput busy{true, false};
        CHECK(only(press(imgui, named(ImGuiKey_Escape), &middle, busy), CommandKind::cancel));
        CHECK(press(imgui, named(ImGuiKey_RightArrow), &middle, busy).empty());
        CHECK(only(press(imgui, named(ImGuiKey_Escape), &middle, idle), CommandKind::toggle_demo));
    }
    SECTION("after a failed step: no next step, Home restarts") {
        const auto failed = tests::fixture_snapshot(4);
        CHECK(press(imgui, named(ImGuiKey_Space), &failed, idle).empty());
        CHECK(only(press(imgui, named(ImGuiKey_Home), &failed, idle), CommandKind::restart));
    }
}

TEST_CASE("Demo layout: the diagram is biggest and nothing overlaps the controls, at any size", "[gui][demo]") {
    const auto size = GENERATE(table<float, float>({{1920, 1080}, {1280, 800}, {800, 600}, {400, 300}, {160, 90}, {40, 20}}));
    const float font = GENERATE(17.0f, 34.0f, 60.0f);
    const bool notes = GENERATE(false, true);
    // The step's outcome: none, two lines, or so long it asks for most of the screen.
    const float outcome_lines = GENERATE(0.0f, 2.0f, 30.0f);
    const ImVec2 display(std::get<0>(size), std::get<1>(size));
    CAPTURE(display.x, display.y, font, notes, outcome_lines);
    const auto l = gui::demo_layout(display, font, notes, outcome_lines * font * 1.2f);
    const ImRect screen(0, 0, display.x, display.y);
    for (const ImRect& r : {l.bar, l.diagram, l.caption, l.notes}) {
        if (area(r) == 0) continue;
        CHECK(screen.Contains(r));
    }
    CHECK(area(l.bar) > 0);  // the controls are always there
    CHECK_FALSE(overlaps(l.bar, l.diagram));
    CHECK_FALSE(overlaps(l.bar, l.caption));
    CHECK_FALSE(overlaps(l.bar, l.notes));
    CHECK_FALSE(overlaps(l.diagram, l.caption));
    CHECK_FALSE(overlaps(l.diagram, l.notes));
    CHECK_FALSE(overlaps(l.caption, l.notes));
    if (display.y > font * 4) {
        CHECK(area(l.diagram) > area(l.bar));
        CHECK(area(l.diagram) > area(l.caption));
        CHECK(area(l.diagram) > area(l.notes));
        CHECK(area(l.diagram) >= 0.4 * area(screen));
    }
    if (!notes) CHECK(area(l.notes) == 0);
    CHECK(l.outcome_room <= l.caption.GetHeight());
    // A long outcome gets a taller caption than a short one, never taller than two fifths of the screen.
    const auto usual = gui::demo_layout(display, font, notes);
    CHECK(l.caption.GetHeight() >= usual.caption.GetHeight());
    CHECK(l.caption.GetHeight() <= 0.4f * display.y + 0.5f);
}

TEST_CASE("Auto-advance steps after the delay and loops back to the start", "[gui][demo]") {
    double wake = 0;
    const auto fresh = tests::fixture_snapshot(1);
    CHECK_FALSE(gui::auto_advance_due(&fresh, 5, 2, wake));
    CHECK(wake == Approx(3));
    auto due = gui::auto_advance_due(&fresh, 5, 5.1, wake);
    REQUIRE(due);
    CHECK(due->kind == CommandKind::step);
    const auto failed = tests::fixture_snapshot(4);  // the last step fails: loop anyway
    due = gui::auto_advance_due(&failed, 5, 6, wake);
    REQUIRE(due);
    CHECK(due->kind == CommandKind::restart);
    CHECK_FALSE(gui::auto_advance_due(&fresh, 0, 100, wake));  // off
}

TEST_CASE("The demo shell steps with presenter keys, shows errors on the diagram and keeps its own settings",
          "[gui][demo][shell]") {
    const auto dir = std::filesystem::temp_directory_path() / ("strata-" + std::to_string(::getpid()) + "-demo-test");
    std::filesystem::remove_all(dir);
    tests::HeadlessImGui imgui(1280, 800);
    gui::ShellOptions o = demo_options();
    o.config_dir = dir;
    gui::AppShell shell(tests::fixture_catalogue(), o, nullptr);
    double t = 0;
    auto frames = [&](int n) {
        for (int i = 0; i < n; ++i) shell_frame(imgui, shell, t += 0.1);
    };
    auto key = [&](int k) {
        ImGui::GetIO().KeysDown[k] = true;
        frames(1);
        ImGui::GetIO().KeysDown[k] = false;
        frames(3);
    };
    frames(3);
    REQUIRE(shell.demo());
    CHECK(shell.settings().theme == "dark");  // the everyday theme is untouched
    CHECK(ImGui::GetFontSize() > 30);           // about 2x the normal 17 px

    // The diagram is where the layout put it, and is the biggest part.
    const auto& layout = shell.last_demo().layout;
    const auto ns = shell.last_diagram().node_rect(engine::LayerId::namespaces);
    REQUIRE(ns);
    CHECK(layout.diagram.Contains(*ns));

    key(named(ImGuiKey_PageDown));
    CHECK(shell.controller().snapshot()->current_step == 0);
    CHECK_THAT(shell.last_demo().caption, Catch::Contains("1. Unshare"));
    key(48 + 3);  // jump to step 3
    CHECK(shell.controller().snapshot()->current_step == 2);
    key(48 + 1);  // back to step 1: restarts and replays
    CHECK(shell.controller().snapshot()->current_step == 0);

    // The failing step: its error drawn on the diagram, in red, no popup.
    key(48 + 4);
    const auto snap = shell.controller().snapshot();
    REQUIRE(snap->steps[3].status == engine::StepStatus::failed);
    REQUIRE(shell.last_demo().error);
    CHECK(layout.diagram.Contains(*shell.last_demo().error));
    CHECK(tests::HeadlessImGui::drew_colour_in(shell.last_demo().error->Min, shell.last_demo().error->Max,
                                               shell.palette().failed));
    CHECK_FALSE(ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel));

    // B: the screen goes black, nothing drawn; B again brings it back.
    key(66);
    CHECK(shell.blank());
    CHECK(shell.clear_colour() == IM_COL32(0, 0, 0, 255));
    CHECK(ImGui::GetDrawData()->TotalVtxCount == 0);
    key(66);
    CHECK_FALSE(shell.blank());

    // N: the notes column; + : bigger demo text only.
    key(78);
    CHECK(shell.last_demo().layout.notes.GetWidth() > 0);
    const float before = shell.settings().demo.font_scale;
    key(61);
    CHECK(shell.settings().demo.font_scale > before);
    CHECK(shell.settings().font_scale == 1.0f);
    shell.save(1280, 800);
    const auto saved = gui::load_settings(dir);
    CHECK(saved.demo.font_scale == Approx(shell.settings().demo.font_scale));
    CHECK(saved.demo.notes);
    CHECK(saved.font_scale == 1.0f);

    // Esc leaves demo mode: the normal theme and panels come back.
    key(named(ImGuiKey_Escape));
    CHECK_FALSE(shell.demo());
    CHECK(ImGui::GetFontSize() < 20);
    std::filesystem::remove_all(dir);
}

TEST_CASE("Auto-advance in the demo shell steps through the lesson and starts it again", "[gui][demo][shell]") {
    tests::HeadlessImGui imgui(1280, 800);
    gui::ShellOptions o = demo_options();
    o.auto_advance = 2.0;
    gui::AppShell shell(tests::fixture_catalogue(), o, nullptr);
    double t = 0;
    std::vector<int> seen;  // the step shown after each frame, when it changes
    gui::FrameOutcome last;
    for (int i = 0; i < 140; ++i) {  // 14 s of frames, 0.1 s apart
        last = shell_frame(imgui, shell, t += 0.1);
        const auto snap = shell.controller().snapshot();
        const int step = snap ? snap->current_step : -2;
        if (seen.empty() || seen.back() != step) seen.push_back(step);
    }
    CAPTURE(seen);
    // Four steps (the last fails), then back to the start, and on again.
    REQUIRE(seen.size() >= 6);
    CHECK(std::vector<int>(seen.begin(), seen.begin() + 6) == std::vector<int>{-1, 0, 1, 2, 3, -1});
    // Between steps the window may sleep: the shell says when to wake.
    CHECK(last.wake_in_seconds > 0);
    CHECK(last.wake_in_seconds <= 2.0);
}

TEST_CASE("Demo mode survives tiny windows and huge text without an assert", "[gui][demo][shell]") {
    const float width = GENERATE(640.0f, 90.0f, 12.0f);
    const float scale = GENERATE(2.0f, 4.0f);
    CAPTURE(width, scale);
    // Demo mode's text size comes from its own saved settings.
    const auto dir = std::filesystem::temp_directory_path() / ("strata-" + std::to_string(::getpid()) + "-demo-tiny");
    gui::Settings saved;
    saved.demo.font_scale = scale;
    REQUIRE(gui::save_settings(dir, saved));
    tests::HeadlessImGui imgui(width, width * 0.6f);
    gui::ShellOptions o = demo_options();
    o.config_dir = dir;
    {
        gui::AppShell shell(tests::fixture_catalogue(), o, nullptr);
        double t = 0;
        shell_frame(imgui, shell, t += 0.1);
        CHECK(ImGui::GetFontSize() == Approx(std::min(gui::kMaxFontPixels, gui::kBaseFontPixels * scale)));
        shell.controller().submit({CommandKind::run_to_end});  // up to the failing step: an error to draw too
        for (int i = 0; i < 5; ++i) shell_frame(imgui, shell, t += 0.1);
        const auto& l = shell.last_demo().layout;
        CHECK(l.bar.GetHeight() > 0);
        CHECK(l.bar.Max.y <= l.diagram.Min.y);
        CHECK(shell.fonts().problem.empty());
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("A --font-scale given with --demo sizes the demo's type and leaves the normal window's alone", "[gui][demo][shell]") {
    tests::HeadlessImGui imgui(1280, 800);
    gui::ShellOptions o = demo_options();
    o.font_scale = 3.0f;
    gui::AppShell shell(tests::fixture_catalogue(), o, nullptr);
    shell_frame(imgui, shell, 0.1);
    CHECK(shell.settings().demo.font_scale == 3.0f);
    CHECK(shell.settings().font_scale == 1.0f);
    CHECK(ImGui::GetFontSize() == Approx(std::min(gui::kMaxFontPixels, gui::kBaseFontPixels * 3.0f)));
}
