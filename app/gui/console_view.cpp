#include "app/gui/console_view.hpp"

#include <algorithm>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/text_fit.hpp"

namespace strata::gui {

bool shell_available(const engine::Snapshot& snapshot) {
    if (!snapshot.lesson || !snapshot.lesson->interactive_shell || snapshot.replay_label) return false;
    if (!snapshot.finished || snapshot.steps.empty()) return false;
    return std::all_of(snapshot.steps.begin(), snapshot.steps.end(),
                       [](const engine::StepRecord& s) { return s.status == engine::StepStatus::done; });
}

namespace {

void transcript_box(const std::string& text, const FontSet& fonts, ConsoleViewState& state, float reserve) {
    const float height = std::max(ImGui::GetContentRegionAvail().y - reserve, ImGui::GetTextLineHeightWithSpacing() * 3);
    if (ImGui::BeginChild("shell-transcript", ImVec2(0, height), true)) {
        ImGui::PushFont(fonts.or_regular(fonts.mono));
        ImGui::PushTextWrapPos(0.0f);  // long lines wrap, as in a terminal
        ImGui::TextUnformatted(text.c_str(), text.c_str() + text.size());
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        // Follow the shell's output as a terminal does.
        if (text.size() != state.transcript_seen) {
            ImGui::SetScrollHereY(1.0f);
            state.transcript_seen = text.size();
        }
    }
    ImGui::EndChild();
}

}  // namespace

Commands console_view(const engine::Snapshot& snapshot, const ShellState& shell, const FontSet& fonts,
                      const Palette& palette, ConsoleViewState& state) {
    Commands out;
    // While the shell runs it gets the whole (small) panel: the steps'
    // output is still in the snapshot, shown again when the shell ends.
    if (shell.running && snapshot.lesson && snapshot.lesson->interactive_shell) {
        ImGui::PushTextWrapPos(0.0f);
        muted_wrapped("A shell inside the container (/bin/sh on a pty). `exit` leaves it.");
        ImGui::PopTextWrapPos();
        const float line = ImGui::GetFrameHeightWithSpacing();
        transcript_box(shell.transcript, fonts, state, line + 4);
        ImGui::PushFont(fonts.or_regular(fonts.mono));
        ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 5, 40.0f));
        const bool entered = ImGui::InputTextWithHint("##shell-input", "type a command, Enter runs it", &state.input,
                                                      ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::PopFont();
        if (entered) {
            out.push_back({CommandKind::shell_input, state.input + "\n"});
            state.input.clear();
            ImGui::SetKeyboardFocusHere(-1);  // keep typing
        }
        ImGui::SameLine();
        if (ImGui::SmallButton("^C")) out.push_back({CommandKind::shell_input, "\x03"});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Interrupt the running command");
        return out;
    }
    // Every line from here wraps at the panel's edge instead of running past it.
    ImGui::PushTextWrapPos(0.0f);
    struct PopWrap {
        ~PopWrap() { ImGui::PopTextWrapPos(); }
    } pop_wrap;
    ImGui::PushFont(fonts.or_regular(fonts.mono));
    if (snapshot.console.empty()) ImGui::TextDisabled("(nothing written to the console yet)");
    else ImGui::TextUnformatted(snapshot.console.c_str());
    ImGui::PopFont();

    const engine::Lesson* lesson = snapshot.lesson;
    if (!lesson || !lesson->interactive_shell) return out;
    ImGui::Separator();
    if (!shell.transcript.empty()) transcript_box(shell.transcript, fonts, state, ImGui::GetFrameHeightWithSpacing() * 3);
    if (shell.exit_status) ImGui::TextDisabled("The shell exited with status %d.", *shell.exit_status);
    if (!shell.problem.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette.failed);
        ImGui::TextWrapped("The shell failed: %s", shell.problem.c_str());
        ImGui::PopStyleColor();
    }
    if (snapshot.replay_label) {
        muted_wrapped("This lesson offers a shell inside its container, but a replay has nothing live to enter.");
    } else if (!shell_available(snapshot)) {
        muted_wrapped("After the last step, a shell inside the container opens here.");
    } else if (ImGui::Button("Open a shell inside the container")) {
        out.push_back({CommandKind::start_shell});
    }
    return out;
}

}  // namespace strata::gui
