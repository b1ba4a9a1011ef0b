#include "app/gui/demo_mode.hpp"

#include <algorithm>

#include "app/gui/fonts.hpp"

namespace strata::gui {

namespace {

bool pressed(int key) { return key >= 0 && ImGui::IsKeyPressed(key, false); }
bool pressed_named(ImGuiKey key) { return pressed(ImGui::GetKeyIndex(key)); }

bool step_failed(const engine::Snapshot& snap) {
    return snap.current_step >= 0 &&
           snap.steps[static_cast<std::size_t>(snap.current_step)].status != engine::StepStatus::done;
}

}  // namespace

DemoLayout demo_layout(ImVec2 display, float font, bool notes, float outcome_height, float title_height) {
    DemoLayout l;
    const float w = std::max(display.x, 1.0f), h = std::max(display.y, 1.0f);
    const float pad = std::max(2.0f, font * 0.3f);
    // The bar holds one line of buttons at the demo's text size; it keeps
    // its height first, since the presenter's controls must stay usable.
    const float bar_h = std::min(h, font * 1.8f + 2 * pad);
    l.bar = ImRect(0, 0, w, bar_h);
    float rest = h - bar_h;
    // The step's title (one line at heading size, or the height it asks
    // for) over its outcome (two lines at body size, or the height it asks
    // for), when there is room for a diagram
    // three times its height; less, then nothing, as the window shrinks.
    // Notes take at most a third of the width, never more than the diagram.
    const float notes_w = notes && w > font * 20 ? std::min(w / 3, std::max(font * 14, w * 0.3f)) : 0;
    const float title_h = std::max(title_height, kHeadingScale * font * 1.2f);
    const float usual = 2.0f * font * 1.2f;
    const float outcome = std::max(outcome_height, usual);
    // A longer outcome may take up to two fifths of the room, as long as
    // the diagram keeps 45% of the screen beside the notes.
    const float keep_diagram = rest - 0.45f * w * h / std::max(w - notes_w, 1.0f);
    const float longest = std::clamp(keep_diagram, rest / 4, rest * 0.4f);
    const bool longer = outcome > usual || title_h > kHeadingScale * font * 1.2f;
    float caption_h = std::min(title_h + outcome + 2 * pad, longer ? longest : rest / 4);
    if (caption_h < font * 1.2f + 2 * pad) caption_h = 0;
    l.caption = ImRect(0, h - caption_h, w, h);
    l.outcome_room = std::max(caption_h - title_h - 2 * pad, 0.0f);
    const float top = bar_h, bottom = h - caption_h;
    l.diagram = ImRect(0, top, w - notes_w, std::max(top, bottom));
    l.notes = notes_w > 0 ? ImRect(w - notes_w, top, w, std::max(top, bottom)) : ImRect(0, 0, 0, 0);
    return l;
}

Commands demo_keys(const engine::Snapshot* snap, const DemoKeysInput& input, const KeyMap& keys) {
    Commands out;
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || io.KeyCtrl || io.KeyAlt) return out;
    if (pressed(keys.blank)) out.push_back({CommandKind::toggle_blank});
    if (pressed_named(ImGuiKey_Escape)) {
        if (input.busy) out.push_back({CommandKind::cancel});
        else if (input.blank) out.push_back({CommandKind::toggle_blank});
        else out.push_back({CommandKind::toggle_demo});
    }
    if (input.blank) return out;  // a blank screen hides everything, including what a step would show
    if (pressed(keys.fullscreen)) out.push_back({CommandKind::toggle_fullscreen});
    if (pressed(keys.notes)) out.push_back({CommandKind::toggle_notes});
    if (pressed(keys.font_bigger) || pressed(keys.font_bigger_keypad)) out.push_back({CommandKind::font_bigger});
    if (pressed(keys.font_smaller) || pressed(keys.font_smaller_keypad)) out.push_back({CommandKind::font_smaller});

    const bool have_lesson = snap && snap->lesson;
    if (!have_lesson || input.busy) return out;
    const int total = static_cast<int>(snap->lesson->steps.size());
    const bool can_step = !snap->finished && !snap->cancelled && !step_failed(*snap);
    if (can_step && (pressed_named(ImGuiKey_RightArrow) || pressed_named(ImGuiKey_PageDown) ||
                     pressed_named(ImGuiKey_Space)))
        out.push_back({CommandKind::step});
    if (snap->current_step >= 0 && (pressed_named(ImGuiKey_LeftArrow) || pressed_named(ImGuiKey_PageUp)))
        out.push_back({CommandKind::step_back});
    if (pressed_named(ImGuiKey_Home)) out.push_back({CommandKind::restart});
    for (int digit = 0; digit <= 9; ++digit) {
        const int step = digit == 0 ? 10 : digit;  // 0 is step 10, as on a clicker's number row
        if (step <= total && pressed(keys.digits[digit])) out.push_back({CommandKind::jump_to_step, {}, double(step)});
    }
    return out;
}

std::optional<Command> auto_advance_due(const engine::Snapshot* snap, double delay, double idle_for, double& wake_in) {
    wake_in = -1;
    if (delay <= 0 || !snap || !snap->lesson) return std::nullopt;
    if (idle_for < delay) {
        wake_in = delay - idle_for;
        return std::nullopt;
    }
    // The end of the lesson, a failed or cancelled step: loop to the start.
    if (snap->finished || snap->cancelled || step_failed(*snap)) return Command{CommandKind::restart};
    return Command{CommandKind::step};
}

}  // namespace strata::gui
