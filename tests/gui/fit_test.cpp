// The normal window at the sizes a lecture hall's laptops and projectors
// have, headless: every control stays reachable and no text is cut off at
// the side of its panel or column.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <imgui_internal.h>

#include "app/gui/app_shell.hpp"
#include "tests/gui/exercise_scratch.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A prediction as long as container/uts's and container/cgroups': four
// choices of a sentence or two each.
const char* kLongPrediction = R"md(---
exercises:
  - id: first-exit
    kind: predict
    step: run
    prompt: >-
      The guest writes two bytes to the serial port and then halts. Before the
      step runs, say which exit the VMM sees first, and why the others come later.
    choices:
      - {id: hlt, text: "A HLT exit: the guest halts before the serial port is touched, because port writes are buffered by KVM", when: {event: {kind: vm-exit, position: first, name: "exit: HLT"}}}
      - {id: io, text: "An I/O exit for port 0x3f8: KVM cannot emulate the UART, so every OUT instruction comes back to the VMM", when: {event: {kind: vm-exit, position: first, name: "exit: IO*"}}}
      - {id: mmio, text: "An MMIO exit: the serial port lives in guest memory, and the first write to it faults into the VMM", when: {event: {kind: vm-exit, position: first, name: "exit: MMIO*"}}}
      - {id: none, text: "No exit at all: KVM handles the port writes and the halt in the kernel and the VMM never hears of them", when: {event: {kind: vm-exit, position: first, name: "exit: NONE"}}}
---
# Exercise fixture

## Boot {#boot}
The machine is created here, with a long paragraph of narrative text that wraps over several lines in the panel.
## Run {#run}
## Mount {#mount}
)md";

struct Scratch : tests::ExerciseScratch {
    Scratch() : ExerciseScratch(kLongPrediction) {}
};

ImRect visible(const char* window_name) {
    const ImGuiWindow* w = ImGui::FindWindowByName(window_name);
    REQUIRE(w);
    return w->InnerClipRect;
}

}  // namespace

TEST_CASE("The prediction's choices and its Lock in button stay in sight at laptop and projector sizes",
          "[gui][fit][exercise]") {
    const auto [width, height] = GENERATE(std::pair{1024.0f, 768.0f}, std::pair{1280.0f, 800.0f});
    CAPTURE(width, height);
    Scratch scratch;
    tests::HeadlessImGui imgui(width, height);
    gui::ShellOptions o;
    o.lesson = "test/exercises";
    o.probe_machine = false;
    o.chooser = gui::live_chooser();
    o.theme = "dark";
    gui::AppShell shell(tests::exercise_fixture_catalogue(), o, nullptr);
    shell.load_fonts();
    tests::HeadlessImGui::build_font_atlas();
    REQUIRE(shell.controller().wait_idle(5s));
    shell.controller().submit({gui::CommandKind::step});  // boot: the prediction for "run" is asked now
    REQUIRE(shell.controller().wait_idle(5s));
    for (int i = 0; i < 3; ++i) imgui.raw_frame([&] { shell.frame(i); });  // the panel sizes itself

    REQUIRE(shell.exercises().predictions.size() == 1);
    const auto& buttons = shell.exercise_edits().lock_in_buttons;
    REQUIRE(buttons.count("first-exit") == 1);
    const ImRect panel = visible("Narrative");
    const ImRect button = buttons.at("first-exit");
    CAPTURE(panel.Min.y, panel.Max.y, button.Min.y, button.Max.y);
    CHECK(panel.Contains(button));
    const auto cut = tests::HeadlessImGui::text_cut_sideways({"Layers"});
    CAPTURE(cut);
    CHECK(cut.empty());
}

namespace {

// True when `item` is on screen in `window_name`, or the window scrolls
// down far enough to bring it there.
bool reachable(const char* window_name, const ImRect& item) {
    const ImGuiWindow* w = ImGui::FindWindowByName(window_name);
    if (!w) return false;
    const ImRect seen = w->InnerClipRect;
    if (item.Min.x < seen.Min.x - 1 || item.Max.x > seen.Max.x + 1) return false;
    return item.Max.y <= seen.Max.y + (w->ScrollMax.y - w->Scroll.y) + 1;
}

}  // namespace

TEST_CASE("A small, narrow or large-type window keeps every control reachable and cuts no text", "[gui][fit][bad-input]") {
    struct Shape {
        float width, height, font_scale;
    };
    const Shape shape = GENERATE(Shape{640, 480, 1}, Shape{420, 1000, 1}, Shape{1280, 800, 2}, Shape{1920, 1080, 2});
    CAPTURE(shape.width, shape.height, shape.font_scale);
    Scratch scratch;
    tests::HeadlessImGui imgui(shape.width, shape.height);
    gui::ShellOptions o;
    o.lesson = "test/exercises";
    o.probe_machine = false;
    o.chooser = gui::live_chooser();
    o.theme = "dark";
    o.font_scale = shape.font_scale;
    gui::AppShell shell(tests::exercise_fixture_catalogue(), o, nullptr);
    shell.load_fonts();
    tests::HeadlessImGui::build_font_atlas();
    REQUIRE(shell.controller().wait_idle(5s));
    shell.controller().submit({gui::CommandKind::step});
    REQUIRE(shell.controller().wait_idle(5s));
    for (int i = 0; i < 3; ++i) imgui.raw_frame([&] { shell.frame(i); });

    CHECK(ImGui::GetFontSize() == Approx(17 * shape.font_scale));
    const auto& buttons = shell.exercise_edits().lock_in_buttons;
    REQUIRE(buttons.count("first-exit") == 1);
    CHECK(reachable("Narrative", buttons.at("first-exit")));
    const auto cut = tests::HeadlessImGui::text_cut_sideways({"Layers"});
    CAPTURE(cut);
    CHECK(cut.empty());
}
