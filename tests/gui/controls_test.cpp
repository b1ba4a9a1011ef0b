#include <catch2/catch.hpp>

#include "app/gui/controls_view.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using gui::CommandKind;

namespace {

// Presses `key` (a native index) for one frame and returns the commands.
gui::Commands press(tests::HeadlessImGui& imgui, int key, const engine::Snapshot* snap, gui::ControlsInput input,
                    const gui::KeyMap& keys, bool ctrl = false) {
    ImGuiIO& io = ImGui::GetIO();
    gui::Commands out;
    imgui.frame([&] { gui::controls_view(snap, input, keys); });  // key up
    io.KeysDown[key] = true;
    io.KeyCtrl = ctrl;
    imgui.frame([&] { out = gui::controls_view(snap, input, keys); });
    io.KeysDown[key] = false;
    io.KeyCtrl = false;
    return out;
}

bool has(const gui::Commands& commands, CommandKind kind) {
    for (const auto& c : commands)
        if (c.kind == kind) return true;
    return false;
}

int key(ImGuiKey k) { return ImGui::GetIO().KeyMap[k]; }

}  // namespace

TEST_CASE("Step controls emit the right command for each shortcut", "[gui][controls]") {
    tests::HeadlessImGui imgui;
    const gui::KeyMap keys{80, 82, 61, 334, 45, 333};  // GLFW's numbering, as the GLFW platform gives
    const auto fresh = tests::fixture_snapshot(0);
    const auto middle = tests::fixture_snapshot(2);
    const gui::ControlsInput idle{};

    CHECK(has(press(imgui, key(ImGuiKey_Space), &fresh, idle, keys), CommandKind::step));
    CHECK(has(press(imgui, key(ImGuiKey_RightArrow), &fresh, idle, keys), CommandKind::step));
    CHECK(has(press(imgui, key(ImGuiKey_End), &fresh, idle, keys), CommandKind::run_to_end));
    CHECK(has(press(imgui, key(ImGuiKey_LeftArrow), &middle, idle, keys), CommandKind::step_back));
    CHECK(has(press(imgui, key(ImGuiKey_Home), &middle, idle, keys), CommandKind::restart));
    CHECK(has(press(imgui, keys.restart, &middle, idle, keys), CommandKind::restart));
    CHECK(has(press(imgui, keys.autoplay, &middle, idle, keys), CommandKind::toggle_autoplay));
    CHECK(has(press(imgui, keys.font_bigger, &middle, idle, keys, /*ctrl=*/true), CommandKind::font_bigger));
    CHECK(has(press(imgui, keys.font_smaller, &middle, idle, keys, /*ctrl=*/true), CommandKind::font_smaller));

    SECTION("nothing to step back to before the first step") {
        CHECK_FALSE(has(press(imgui, key(ImGuiKey_LeftArrow), &fresh, idle, keys), CommandKind::step_back));
    }
    SECTION("while a step runs: no new step, but Escape cancels") {
        const gui::ControlsInput busy{true, false, 1.0};
        CHECK_FALSE(has(press(imgui, key(ImGuiKey_Space), &middle, busy, keys), CommandKind::step));
        CHECK(has(press(imgui, key(ImGuiKey_Escape), &middle, busy, keys), CommandKind::cancel));
    }
    SECTION("Escape does nothing when nothing runs") {
        CHECK(press(imgui, key(ImGuiKey_Escape), &middle, idle, keys).empty());
    }
    SECTION("after a failed step, Step is refused and Restart offered") {
        const auto failed = tests::fixture_snapshot(4);
        REQUIRE(failed.steps[3].status == engine::StepStatus::failed);
        CHECK_FALSE(has(press(imgui, key(ImGuiKey_Space), &failed, idle, keys), CommandKind::step));
        CHECK(has(press(imgui, key(ImGuiKey_Home), &failed, idle, keys), CommandKind::restart));
    }
    SECTION("no lesson selected: no command at all") {
        CHECK(press(imgui, key(ImGuiKey_Space), nullptr, idle, keys).empty());
    }
}

TEST_CASE("Clicking the Step button emits a step command", "[gui][controls]") {
    tests::HeadlessImGui imgui;
    const auto fresh = tests::fixture_snapshot(0);
    const gui::KeyMap keys{};
    gui::Commands out;
    // The Step button is the first item in the window: at the window's
    // content start. Find it by hovering there.
    ImGuiIO& io = ImGui::GetIO();
    imgui.frame([&] { gui::controls_view(&fresh, {}, keys); });
    io.MousePos = ImVec2(ImGui::GetStyle().WindowPadding.x + 10, ImGui::GetStyle().WindowPadding.y + 6);
    imgui.frame([&] { gui::controls_view(&fresh, {}, keys); });
    io.MouseDown[0] = true;
    imgui.frame([&] { out = gui::controls_view(&fresh, {}, keys); });
    io.MouseDown[0] = false;
    imgui.frame([&] { auto more = gui::controls_view(&fresh, {}, keys); out.insert(out.end(), more.begin(), more.end()); });
    REQUIRE(out.size() == 1);
    CHECK(out[0].kind == CommandKind::step);
}
