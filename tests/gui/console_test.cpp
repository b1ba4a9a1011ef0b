// The console tab's shell widgets, headless: the "open a shell" button
// appears only when the lesson offers a shell and every step is done, and a
// line typed into the input (Enter) becomes a shell_input command with its
// newline. The shell itself is exercised for real in the window tests.
#include <catch2/catch.hpp>

#include <imgui_internal.h>

#include "app/gui/console_view.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using gui::CommandKind;

namespace {

// The fixture without its failing step, offering a (never started) shell.
engine::Lesson lesson_with_shell() {
    engine::Lesson lesson = tests::fixture_lesson();
    lesson.steps.resize(3);
    lesson.interactive_shell = [](engine::Context&) -> engine::Result<int> { return 0; };
    return lesson;
}

// Clicks the centre of `rect` over two frames and returns both frames' commands.
gui::Commands click(tests::HeadlessImGui& imgui, ImRect rect, const std::function<gui::Commands()>& draw) {
    ImGuiIO& io = ImGui::GetIO();
    gui::Commands out;
    io.MousePos = rect.GetCenter();
    imgui.frame([&] { draw(); });
    io.MouseDown[0] = true;
    imgui.frame([&] { draw(); });
    io.MouseDown[0] = false;
    imgui.frame([&] { out = draw(); });
    return out;
}

}  // namespace

TEST_CASE("The console offers the lesson's shell after the last step and sends typed lines", "[gui][console]") {
    tests::HeadlessImGui imgui;
    ImGuiStyle style;
    const auto theme = gui::make_theme("dark", style);
    gui::FontSet fonts;
    const engine::Lesson lesson = lesson_with_shell();
    engine::Session session(lesson);
    gui::ConsoleViewState state;
    gui::ShellState shell;

    SECTION("not before every step is done, and never for a replay") {
        CHECK_FALSE(gui::shell_available(session.snapshot()));
        REQUIRE(session.run_to_end());
        auto snap = session.snapshot();
        CHECK(gui::shell_available(snap));
        snap.replay_label = "A real run on Linux 6.1.0-test (2026-11-24), replayed";
        CHECK_FALSE(gui::shell_available(snap));
    }

    SECTION("the button starts the shell") {
        REQUIRE(session.run_to_end());
        const auto snap = session.snapshot();
        ImRect button;
        auto draw = [&] {
            auto c = gui::console_view(snap, shell, fonts, theme.palette, state);
            button = ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());  // the last item: the button
            return c;
        };
        imgui.frame([&] { draw(); });
        const auto out = click(imgui, button, draw);
        REQUIRE(out.size() == 1);
        CHECK(out[0].kind == CommandKind::start_shell);
    }

    SECTION("a typed line goes to the running shell with its newline") {
        REQUIRE(session.run_to_end());
        const auto snap = session.snapshot();
        shell.running = true;
        shell.transcript = "/ # ";
        ImRect input;
        auto draw = [&] {
            gui::Commands c = gui::console_view(snap, shell, fonts, theme.palette, state);
            return c;
        };
        // Find the input line: it is the item just before the ^C button.
        imgui.frame([&] {
            gui::console_view(snap, shell, fonts, theme.palette, state);
            input = ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());  // ^C
        });
        input.Min.x -= ImGui::GetFontSize() * 3;  // left of ^C: the input field
        input.Max.x = input.Min.x + 2;
        click(imgui, input, draw);
        ImGuiIO& io = ImGui::GetIO();
        io.AddInputCharactersUTF8("hostname");
        imgui.frame([&] { draw(); });
        io.KeysDown[io.KeyMap[ImGuiKey_Enter]] = true;
        gui::Commands out;
        imgui.frame([&] { out = draw(); });
        io.KeysDown[io.KeyMap[ImGuiKey_Enter]] = false;
        REQUIRE(out.size() == 1);
        CHECK(out[0].kind == CommandKind::shell_input);
        CHECK(out[0].text == "hostname\n");
        CHECK(state.input.empty());
    }
}
