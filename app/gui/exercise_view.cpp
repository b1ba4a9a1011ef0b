#include "app/gui/exercise_view.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/markdown.hpp"
#include "app/gui/narrative_view.hpp"
#include "app/gui/text_fit.hpp"

namespace strata::gui {

namespace {

// Exercise texts are Markdown, like the narrative around them: `code`
// shows as code, not as backticks.
void prose(const std::string& markdown, const FontSet& fonts, const Palette& palette) {
    draw_markdown(parse_markdown(markdown), fonts, palette);
}

void coloured_wrapped(ImU32 colour, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    text_wrapped(text);
    ImGui::PopStyleColor();
}

// Markdown in a colour of its own (a verdict's green or red).
void coloured_prose(ImU32 colour, const std::string& markdown, const FontSet& fonts, const Palette& palette) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    prose(markdown, fonts, palette);
    ImGui::PopStyleColor();
}

void draw_verdict(const engine::Verdict& v, const FontSet& fonts, const Palette& palette) {
    const bool passed = v.outcome == engine::Outcome::passed;
    const bool failed = v.outcome == engine::Outcome::failed;
    coloured_prose(passed ? palette.path_vm_entry : failed ? palette.failed : palette.muted_text,
                   fmt::format("{} {}", passed ? "✓" : failed ? "✗" : "·", v.summary), fonts, palette);
    for (const auto& part : v.goal)
        coloured_prose(part.held ? palette.path_vm_entry : palette.failed,
                       fmt::format("{} {}", part.held ? "✓" : "✗", part.says), fonts, palette);
    if (v.hint) prose("Hint: " + *v.hint, fonts, palette);
    if (!v.explanation.empty()) prose(v.explanation, fonts, palette);
}

void record_badge(const ExercisePanel& panel, const std::string& id, const Palette& palette) {
    auto it = panel.record.find(id);
    if (it == panel.record.end() || it->second.first == 0) return;
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, it->second.second ? palette.path_vm_entry : palette.muted_text);
    ImGui::Text(it->second.second ? "(passed; %d attempt%s)" : "(%d attempt%s so far)", it->second.first,
                it->second.first == 1 ? "" : "s");
    ImGui::PopStyleColor();
}

bool button(const char* label, bool enabled) {
    if (!enabled) ImGui::BeginDisabled();
    const bool clicked = ImGui::Button(label);
    if (!enabled) ImGui::EndDisabled();
    return clicked;
}

// The prompt and the choices; the "Lock in" button is drawn apart
// (lock_in_button), below the panel's scrolling part.
void prediction(const engine::Snapshot& snap, const ExercisePanel& panel, const PredictionState& p, const FontSet& fonts,
                const Palette& palette, ExerciseEditState& edits) {
    const engine::Exercise& e = *p.exercise;
    ImGui::PushID(e.id.c_str());
    ImGui::PushFont(fonts.or_regular(fonts.bold));
    text_wrapped(fmt::format("Predict, before step {}:", p.step + 1));
    ImGui::PopFont();
    prose(engine::interpolate(e.prompt, {snap, -1, panel.bindings}), fonts, palette);
    int& selected = edits.selected.try_emplace(e.id, -1).first->second;
    if (p.locked) {
        for (const auto& c : e.choices)
            if (c.id == *p.locked)
                prose("Locked in: " + engine::interpolate(c.text, {snap, -1, panel.bindings}), fonts, palette);
        muted_wrapped("Run the step: strata checks it against what the step records.");
    } else {
        for (int i = 0; i < static_cast<int>(e.choices.size()); ++i) {
            // A radio button does not wrap its label: the text goes beside it,
            // wrapped, and answers clicks too.
            ImGui::PushID(i);
            if (ImGui::RadioButton("##choice", selected == i)) selected = i;
            edits.choice_buttons[e.id].emplace_back(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
            ImGui::PopID();
            ImGui::SameLine();
            prose(engine::interpolate(e.choices[static_cast<std::size_t>(i)].text, {snap, -1, panel.bindings}), fonts, palette);
            if (ImGui::IsItemClicked()) selected = i;
        }
    }
    ImGui::PopID();
}

void lock_in_button(const PredictionState& p, bool busy, ExerciseEditState& edits, Commands& out) {
    const engine::Exercise& e = *p.exercise;
    const int selected = edits.selected.try_emplace(e.id, -1).first->second;
    ImGui::PushID(e.id.c_str());
    if (button("Lock in my prediction", selected >= 0 && !busy))
        out.push_back({CommandKind::answer_prediction, e.id, 0, std::nullopt,
                       e.choices[static_cast<std::size_t>(selected)].id});
    edits.lock_in_buttons[e.id] = ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    if (selected < 0 && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("Choose an answer above first.");
    ImGui::PopID();
}

// The parameter's editor; returns the value it holds now.
std::string editor(const engine::Exercise& e, const FontSet& fonts, ExerciseEditState& edits) {
    const auto& p = e.parameter;
    std::string& value = edits.values.try_emplace(e.id, initial_value(e)).first->second;
    const std::string label = p.label + (p.unit.empty() ? "" : " (" + p.unit + ")");
    switch (p.editor) {
        case engine::EditorKind::choice:
            ImGui::TextUnformatted(label.c_str());
            for (const auto& choice : p.choices)
                if (ImGui::RadioButton(choice.c_str(), value == choice)) value = choice;
            break;
        case engine::EditorKind::flags: {
            ImGui::TextUnformatted(label.c_str());
            std::vector<bool> ticked;
            for (const auto& flag : p.flags) {
                bool on = ("|" + value + "|").find("|" + flag + "|") != std::string::npos;
                ImGui::Checkbox(flag.c_str(), &on);
                ticked.push_back(on);
            }
            value = join_flags(p.flags, ticked);
            break;
        }
        case engine::EditorKind::number:
            ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
            ImGui::InputText(label.c_str(), &value, ImGuiInputTextFlags_CharsDecimal);
            break;
        case engine::EditorKind::text:
            ImGui::InputText(label.c_str(), &value);
            break;
        case engine::EditorKind::assembly:
            ImGui::TextUnformatted(label.c_str());
            ImGui::PushFont(fonts.or_regular(fonts.mono));
            ImGui::InputTextMultiline("##code", &value, ImVec2(-1, ImGui::GetTextLineHeight() * 9),
                                      ImGuiInputTextFlags_AllowTabInput);
            ImGui::PopFont();
            break;
    }
    return value;
}

void challenge(const engine::Snapshot& snap, const ExercisePanel& panel, const ChallengeState& c, bool busy,
               const FontSet& fonts, const Palette& palette, ExerciseEditState& edits, Commands& out) {
    const engine::Exercise& e = *c.exercise;
    ImGui::PushID(e.id.c_str());
    ImGui::PushFont(fonts.or_regular(fonts.bold));
    ImGui::TextUnformatted(e.id.c_str());
    ImGui::PopFont();
    record_badge(panel, e.id, palette);
    prose(engine::interpolate(e.prompt, {snap, -1, panel.bindings}), fonts, palette);
    const std::string value = editor(e, fonts, edits);
    // The lesson's own validator says whether it would accept the value.
    auto options = e.set;
    options[e.parameter.option] = value;
    const auto accepted = snap.lesson->resolve_options(options);
    if (!accepted) coloured_wrapped(palette.failed, fmt::format("{} ({})", accepted.error().message, accepted.error().hint));
    if (panel.replay) muted_wrapped("A challenge runs the lesson again with your value: it needs a machine that runs it live.");
    if (button(c.running ? "Running…" : "Run it for real", accepted.has_value() && !busy && !panel.replay && !c.running))
        out.push_back({CommandKind::start_challenge, e.id, 0, std::nullopt, value});
    if (c.verdict) draw_verdict(*c.verdict, fonts, palette);
    ImGui::PopID();
}

}  // namespace

std::string initial_value(const engine::Exercise& challenge) { return challenge.parameter.initial; }

std::string join_flags(const std::vector<std::string>& flags, const std::vector<bool>& ticked) {
    std::string out;
    for (std::size_t i = 0; i < flags.size() && i < ticked.size(); ++i)
        if (ticked[i]) out += (out.empty() ? "" : "|") + flags[i];
    return out;
}

Commands exercise_view(const engine::Snapshot* snapshot, const ExercisePanel& panel, bool busy, const FontSet& fonts,
                       const Palette& palette, ExerciseEditState& edits) {
    Commands out;
    if (!snapshot || !snapshot->lesson || snapshot->lesson->id != panel.lesson_id) return out;
    if (edits.lesson_id != panel.lesson_id) edits = ExerciseEditState{panel.lesson_id, {}, {}, 0};
    const bool any = panel.exercises && !panel.exercises->exercises.empty();
    const bool resume = panel.resume_step >= 0 && snapshot->current_step < 0 && panel.challenge_run.empty();
    if (!any && panel.problem.empty() && !resume) return out;

    // The predictions waiting for a "Lock in": their buttons go below the
    // scrolling part, always in sight.
    const int current = snapshot->current_step;
    const bool stopped = current >= 0 && snapshot->steps[static_cast<std::size_t>(current)].status != engine::StepStatus::done;
    std::vector<const PredictionState*> asking;
    if (!stopped && panel.challenge_run.empty())
        for (const auto& p : panel.predictions)
            if (p.step == current + 1 && !p.verdict) asking.push_back(&p);
    std::vector<const PredictionState*> unlocked;
    for (const auto* p : asking)
        if (!p->locked) unlocked.push_back(p);
    edits.lock_in_buttons.clear();
    edits.choice_buttons.clear();

    // As tall as its content was last frame, leaving the narrative a few
    // lines (it scrolls on its own) and the buttons their row; what does
    // not fit scrolls, with a scrollbar.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float buttons = static_cast<float>(unlocked.size()) * ImGui::GetFrameHeightWithSpacing();
    const float room = ImGui::GetContentRegionAvail().y - buttons - style.ItemSpacing.y * 2;
    const float cap = std::max({room - line * 4, room * 0.55f, 1.0f});
    const float height = std::clamp(edits.content_height + style.WindowPadding.y, 1.0f, cap);
    begin_text_child("exercises", height);
    const engine::Snapshot& snap = *snapshot;

    if (!panel.problem.empty()) coloured_wrapped(palette.failed, "The exercises could not be read: " + panel.problem);
    if (resume) {
        const auto total = snap.lesson->steps.size();
        text_wrapped(fmt::format("Last time you got to step {} of {}, \"{}\".", panel.resume_step + 1, total,
                                 snap.lesson->steps[std::min<std::size_t>(panel.resume_step, total - 1)].title));
        if (button("Continue there (runs those steps again, for real)", !busy))
            out.push_back({CommandKind::run_to_step, panel.lesson_id, static_cast<double>(panel.resume_step)});
    }
    if (!panel.challenge_run.empty()) {
        std::string set;
        for (const auto& [key, value] : snap.options) {
            const std::string shown = value.find('\n') == std::string::npos ? value : "(your program)";
            set += (set.empty() ? "" : ", ") + key + "=" + shown;
        }
        text_wrapped(fmt::format("This run is challenge {}: {}.", panel.challenge_run, set));
        if (button("Back to the lesson as written", !busy)) out.push_back({CommandKind::select_lesson, panel.lesson_id});
    }

    // Predictions for the step about to run; verdicts of the one that ran.
    for (const auto& p : panel.predictions)
        if (p.step == current && p.verdict) {
            ImGui::PushID(p.exercise->id.c_str());
            muted_wrapped(fmt::format("Your prediction for step {}:", p.step + 1));
            draw_verdict(*p.verdict, fonts, palette);
            ImGui::PopID();
            ImGui::Spacing();
        }
    for (const auto* p : asking) {
        prediction(snap, panel, *p, fonts, palette, edits);
        record_badge(panel, p->exercise->id, palette);
        ImGui::Spacing();
    }

    if (!panel.challenges.empty()) {
        if (snap.finished) ImGui::SetNextItemOpen(true, ImGuiCond_Once);
        if (ImGui::CollapsingHeader(fmt::format("Challenges ({})", panel.challenges.size()).c_str()))
            for (const auto& c : panel.challenges) {
                challenge(snap, panel, c, busy, fonts, palette, edits, out);
                ImGui::Spacing();
            }
    }
    edits.content_height = ImGui::GetCursorPosY();
    ImGui::EndChild();
    for (const auto* p : unlocked) lock_in_button(*p, busy, edits, out);
    ImGui::Separator();
    return out;
}

}  // namespace strata::gui
