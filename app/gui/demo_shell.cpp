// The app shell in demo mode (demo_mode.hpp): what a projector shows. The
// control bar across the top, the layer diagram below it and biggest, a
// caption with the current step, and the speaker notes when toggled. No
// menu and no modal dialog: an error is drawn on the diagram itself.
#include <cmath>

#include <fmt/format.h>
#include <imgui.h>

#include "app/gui/app_shell.hpp"
#include "app/gui/contrast.hpp"
#include "app/gui/event_text.hpp"
#include "app/gui/markdown.hpp"
#include "app/gui/narrative_view.hpp"
#include "app/gui/text_fit.hpp"
#include "app/gui/replay_banner.hpp"

namespace strata::gui {

namespace {

constexpr ImGuiWindowFlags kDemoPanel = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                        ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                        ImGuiWindowFlags_NoBackground;

bool begin_area(const char* id, const ImRect& r, ImGuiWindowFlags extra = 0) {
    ImGui::SetNextWindowPos(r.Min, ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(std::max(r.GetWidth(), 1.0f), std::max(r.GetHeight(), 1.0f)), ImGuiCond_Always);
    return ImGui::Begin(id, nullptr, kDemoPanel | extra);
}

bool bar_button(const char* label, bool enabled, const char* tooltip) {
    if (!enabled) ImGui::BeginDisabled();
    const bool clicked = ImGui::Button(label);
    if (!enabled) ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tooltip);
    ImGui::SameLine();
    return clicked;
}

const engine::StepRecord* current_record(const engine::Snapshot* snap) {
    if (!snap || snap->current_step < 0 || static_cast<std::size_t>(snap->current_step) >= snap->steps.size())
        return nullptr;
    return &snap->steps[static_cast<std::size_t>(snap->current_step)];
}

// The error to show on the diagram: the current step's, else the
// controller's (a lesson that could not open), else none.
std::string inline_error(const engine::Snapshot* snap, const std::string& problem) {
    if (const auto* record = current_record(snap); record && record->error) {
        std::string text = "✗ " + record->error->describe();
        if (!record->error->hint.empty()) text += "\nwhy: " + record->error->hint;
        return text + "\nHome restarts the lesson.";
    }
    return problem.empty() ? std::string{} : "✗ " + problem;
}

// "3. Title" is a step's number, not the start of a Markdown list.
std::string as_paragraph(const std::string& text) {
    const auto dot = text.find(". ");
    if (dot == std::string::npos || dot == 0 || text.find_first_not_of("0123456789") != dot) return text;
    return text.substr(0, dot) + "\\" + text.substr(dot);
}

// The height `text` takes in `font` wrapped to `width`, a little short of
// it: the Markdown renderer wraps at words, a few pixels before the edge,
// and may need a line more than ImGui's own wrapping.
float wrapped_height(const std::string& text, ImFont* font, float width) {
    if (text.empty()) return 0;
    ImGui::PushFont(font);
    const float wrap = std::max(width * 0.95f, 1.0f);
    const float lines = std::ceil(ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap).y /
                                  std::max(ImGui::GetTextLineHeight(), 1.0f));
    const float height = lines * ImGui::GetTextLineHeightWithSpacing();
    ImGui::PopFont();
    return height;
}

// The caption's title: the current step, the next one, or how to pick a lesson.
std::string caption_title(const engine::Snapshot* snap) {
    if (!snap || !snap->lesson)
        return "No lesson: Esc, pick one on the left, View > Demo mode (or strata gui --demo --lesson ID)";
    if (snap->current_step < 0) return fmt::format("Next: 1. {}", snap->lesson->steps.front().title);
    const auto& step = snap->lesson->steps[static_cast<std::size_t>(snap->current_step)];
    return fmt::format("{}. {}", snap->current_step + 1, step.title);
}

}  // namespace

FrameOutcome AppShell::demo_frame(double now) {
    FrameOutcome outcome;
    const engine::Snapshot* snap = shown_.get();
    const bool busy = controller_->busy();
    Commands commands = demo_keys(snap, {busy, blank_}, options_.keys);
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    demo_frame_ = {};
    demo_frame_.blank = blank_;
    diagram_frame_ = {};
    narrative_banner_.reset();

    if (!blank_) {
        const auto* record = current_record(snap);
        const std::string outcome =
            record && record->status == engine::StepStatus::done ? "✓ " + record->summary : std::string();
        // The caption keeps its usual height while the outcome fits at the
        // body size, or else at the caption size (the diagram keeps its size
        // from step to step); only an outcome too long for either makes it
        // grow.
        const float caption_width = display.x - 2 * ImGui::GetStyle().WindowPadding.x;
        const bool have_lesson = snap && snap->lesson;
        const int total = have_lesson ? static_cast<int>(snap->lesson->steps.size()) : 0;
        demo_frame_.caption = caption_title(snap);
        ImFont* title_font = fonts_.or_regular(fonts_.heading);
        const float title_height = wrapped_height(demo_frame_.caption, title_font, caption_width);
        const float body_height = wrapped_height(outcome, fonts_.regular, caption_width);
        DemoLayout layout = demo_layout(display, ImGui::GetFontSize(), settings_.demo.notes, 0, title_height);
        ImFont* outcome_font = fonts_.regular;
        if (body_height > layout.outcome_room) {
            outcome_font = fonts_.or_regular(fonts_.caption);
            if (const float smaller = wrapped_height(outcome, outcome_font, caption_width); smaller > layout.outcome_room)
                layout = demo_layout(display, ImGui::GetFontSize(), settings_.demo.notes, smaller, title_height);
        }
        demo_frame_.layout = layout;
        const bool stuck = record && record->status != engine::StepStatus::done && record->status != engine::StepStatus::running;

        // 1. The bar: back, next, where we are; the keys in the tooltips.
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ImGui::GetFontSize() * 0.3f, ImGui::GetFontSize() * 0.3f));
        if (begin_area("##demo-bar", layout.bar, ImGuiWindowFlags_NoScrollbar)) {
            const bool can_back = have_lesson && !busy && snap->current_step >= 0;
            const bool can_next = have_lesson && !busy && !snap->finished && !snap->cancelled && !stuck;
            if (bar_button("◀", can_back, "Step back: restart and replay to the previous step (← or Page Up)"))
                commands.push_back({CommandKind::step_back});
            if (bar_button("▶", can_next, "Next step, run for real (→, Page Down or Space)"))
                commands.push_back({CommandKind::step});
            std::string where = !have_lesson ? std::string("no lesson")
                                : snap->current_step < 0
                                    ? fmt::format("{}  ·  {} steps", snap->lesson->title, total)
                                    : fmt::format("{}  ·  step {} of {}", snap->lesson->title, snap->current_step + 1, total);
            if (options_.auto_advance > 0) where += fmt::format("  ·  auto {:g} s", options_.auto_advance);
            // Caption size, centred on the buttons' line; cut in the middle
            // (whole on hover) rather than at the screen's edge.
            ImGui::PushFont(fonts_.or_regular(fonts_.caption));
            ImGui::SetCursorPosY(ImGui::GetCursorPosY() + (ImGui::GetFrameHeight() - ImGui::GetFontSize()) * 0.5f);
            fitted_text(where, /*tooltip=*/false);
            ImGui::PopFont();
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s\n\n→ Page Down Space  next     ← Page Up  back     Home  restart\n"
                                  "1..9, 0  jump to that step     B  blank     F  full screen\n"
                                  "N  speaker notes     + -  text size     Esc  leave demo mode",
                                  where.c_str());
        }
        ImGui::End();
        ImGui::PopStyleVar();

        // 2. The diagram, with the replay label and any error on it.
        if (begin_area("##demo-diagram", layout.diagram, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
            const auto banner = replay_banner(snap, theme_.palette);
            if (layout_) {
                diagram_.highlight.reset();
                // Paths as thick, relative to the text, as in the normal window.
                diagram_.line_scale = std::max(1.0f, active_font_scale());
                (void)diagram_view(snap, *layout_, theme_.palette, diagram_, std::nullopt, now, &diagram_frame_);
                diagram_.line_scale = 1.0f;
                diagram_frame_.replay_banner = banner;
            }
            const std::string error = inline_error(snap, controller_->last_problem() + status_problem());
            if (!error.empty()) {
                // A red panel across the bottom of the diagram, over it: no dialog to dismiss.
                const ImRect area(ImGui::GetWindowPos(), ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowWidth(),
                                                                ImGui::GetWindowPos().y + ImGui::GetWindowHeight()));
                const float pad = ImGui::GetFontSize() * 0.4f;
                const float wrap = std::max(area.GetWidth() - 4 * pad, 10.0f);
                const ImVec2 text = ImGui::CalcTextSize(error.c_str(), nullptr, false, wrap);
                const float h = std::min(text.y + 2 * pad, area.GetHeight());
                const ImRect box(ImVec2(area.Min.x + pad, area.Max.y - h - pad), ImVec2(area.Max.x - pad, area.Max.y - pad));
                ImDrawList* dl = ImGui::GetWindowDrawList();
                dl->AddRectFilled(box.Min, box.Max, theme_.palette.failed, 6.0f);
                dl->AddText(nullptr, 0, ImVec2(box.Min.x + pad, box.Min.y + pad), text_colour_on(theme_.palette.failed),
                            error.c_str(), nullptr, wrap);
                demo_frame_.error = box;
            }
        }
        ImGui::End();

        // 3. The caption: the step, and its outcome.
        if (layout.caption.GetHeight() > 0 &&
            begin_area("##demo-caption", layout.caption, ImGuiWindowFlags_NoScrollWithMouse)) {
            // The type scale: the title at heading size, the outcome at body
            // size, wrapped; both Markdown, as the narrative writes them.
            FontSet title_fonts = fonts_;
            title_fonts.regular = title_fonts.bold = title_font;
            ImGui::PushFont(title_fonts.regular);
            draw_markdown(parse_markdown(as_paragraph(demo_frame_.caption)), title_fonts, theme_.palette, nullptr);
            ImGui::PopFont();
            if (!outcome.empty()) {
                FontSet outcome_fonts = fonts_;
                if (outcome_font != fonts_.regular)
                    outcome_fonts.regular = outcome_fonts.bold = outcome_fonts.italic = outcome_font;
                ImGui::PushFont(outcome_fonts.regular);
                ImGui::PushStyleColor(ImGuiCol_Text, theme_.palette.path_vm_entry);
                draw_markdown(parse_markdown(outcome), outcome_fonts, theme_.palette, nullptr);
                ImGui::PopStyleColor();
                ImGui::PopFont();
            } else if (busy) {
                ImGui::TextDisabled("running… (Esc cancels)");
            }
        }
        if (layout.caption.GetHeight() > 0) ImGui::End();

        // 4. Speaker notes: the narrative, following the current step.
        if (layout.notes.GetWidth() > 0) {
            if (begin_area("##demo-notes", layout.notes)) {
                ImGui::PushStyleColor(ImGuiCol_ChildBg, theme_.palette.code_background);
                if (ImGui::BeginChild("##notes-text", ImVec2(0, 0), false)) {
                    auto links = narrative_view(snap, fonts_, theme_.palette, notes_);
                    commands.insert(commands.end(), links.begin(), links.end());
                }
                ImGui::EndChild();
                ImGui::PopStyleColor();
            }
            ImGui::End();
        }
    }

    for (const auto& c : commands) {
        apply(c, snap);
        if (c.is_lesson_command()) idle_since_ = now;
    }

    // Auto-advance: the next step (or the start again) after the delay.
    double wake_in = -1;
    if (!busy && !blank_) {
        if (auto due = auto_advance_due(snap, options_.auto_advance, now - idle_since_, wake_in)) {
            apply(*due, snap);
            idle_since_ = now;
        }
    }
    outcome.wake_in_seconds = wake_in;
    outcome.animating = !blank_ && diagram_frame_.animating;
    return outcome;
}

}  // namespace strata::gui
