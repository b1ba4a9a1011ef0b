#include "app/gui/controls_view.hpp"

#include <fmt/format.h>
#include <imgui.h>

#include "app/gui/text_fit.hpp"

namespace strata::gui {

namespace {

struct Availability {
    bool have_lesson, can_step, can_back, busy;
};

Availability availability(const engine::Snapshot* snap, bool busy) {
    Availability a{};
    a.have_lesson = snap && snap->lesson;
    a.busy = busy;
    const bool failed_or_cancelled = a.have_lesson && snap->current_step >= 0 &&
                                     snap->steps[static_cast<std::size_t>(snap->current_step)].status !=
                                         engine::StepStatus::done &&
                                     snap->steps[static_cast<std::size_t>(snap->current_step)].status !=
                                         engine::StepStatus::running;
    a.can_step = a.have_lesson && !busy && !snap->finished && !failed_or_cancelled && !snap->cancelled;
    a.can_back = a.have_lesson && !busy && snap->current_step >= 0;
    return a;
}

bool pressed(int key) { return key >= 0 && ImGui::IsKeyPressed(key, false); }

// A button that wraps to the next line instead of being clipped, so a
// narrow window never hides a control.
bool flow_button(const char* label, bool enabled, const char* tooltip, bool first = false) {
    const float width = ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
    if (!first) {
        const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
        if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
    }
    if (!enabled) ImGui::BeginDisabled();
    const bool clicked = ImGui::Button(label);
    if (!enabled) ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tooltip);
    return clicked;
}

}  // namespace

Commands shortcut_commands(const engine::Snapshot* snap, const ControlsInput& input, const KeyMap& keys) {
    Commands out;
    const ImGuiIO& io = ImGui::GetIO();
    if (io.KeyCtrl) {
        if (pressed(keys.font_bigger) || pressed(keys.font_bigger_keypad)) out.push_back({CommandKind::font_bigger});
        if (pressed(keys.font_smaller) || pressed(keys.font_smaller_keypad)) out.push_back({CommandKind::font_smaller});
        return out;
    }
    if (io.WantTextInput) return out;  // typing in the search box is not stepping
    const Availability a = availability(snap, input.busy);
    if (a.busy && pressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) out.push_back({CommandKind::cancel});
    if (a.can_step && (pressed(ImGui::GetKeyIndex(ImGuiKey_Space)) || pressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))))
        out.push_back({CommandKind::step});
    if (a.can_back && pressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) out.push_back({CommandKind::step_back});
    if (a.can_step && pressed(ImGui::GetKeyIndex(ImGuiKey_End))) out.push_back({CommandKind::run_to_end});
    if (a.have_lesson && !a.busy && (pressed(ImGui::GetKeyIndex(ImGuiKey_Home)) || pressed(keys.restart)))
        out.push_back({CommandKind::restart});
    if (a.have_lesson && pressed(keys.autoplay)) out.push_back({CommandKind::toggle_autoplay});
    return out;
}

Commands controls_view(const engine::Snapshot* snap, const ControlsInput& input, const KeyMap& keys) {
    Commands out = shortcut_commands(snap, input, keys);
    const Availability a = availability(snap, input.busy);
    if (flow_button("▶ Step", a.can_step, "Run the next step for real (Space or →)", true)) out.push_back({CommandKind::step});
    if (flow_button("◀ Back", a.can_back, "Step back: restart and replay up to the previous step (←)"))
        out.push_back({CommandKind::step_back});
    if (flow_button("▶▶ Run to end", a.can_step, "Run every remaining step (End)")) out.push_back({CommandKind::run_to_end});
    if (flow_button("↺ Restart", a.have_lesson && !a.busy, "Release everything and start over (Home or R)"))
        out.push_back({CommandKind::restart});
    if (flow_button(input.autoplay ? "■ Stop auto-play" : "▷ Auto-play", a.have_lesson,
                    "Step automatically at the chosen speed (P)"))
        out.push_back({CommandKind::toggle_autoplay});
    if (flow_button("Cancel", a.busy, "Stop the running step within a bounded time (Esc)")) out.push_back({CommandKind::cancel});

    float speed = static_cast<float>(input.autoplay_speed);
    ImGui::SetNextItemWidth(std::max(60.0f, ImGui::GetFontSize() * 9));
    if (ImGui::SliderFloat("##autoplay-speed", &speed, 0.1f, 4.0f, "%.1f steps/s"))
        out.push_back({CommandKind::set_autoplay_speed, {}, static_cast<double>(speed)});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Auto-play speed");

    if (a.have_lesson) {
        const int total = static_cast<int>(snap->lesson->steps.size());
        const int current = snap->current_step;
        std::string status = current < 0 ? fmt::format("{} steps, none run yet", total)
                                         : fmt::format("step {} of {}: {}", current + 1, total,
                                                       engine::step_status_key(snap->steps[static_cast<std::size_t>(current)].status));
        if (snap->finished) status += " — lesson finished";
        muted_wrapped(status);
    }
    return out;
}

}  // namespace strata::gui
