#include "app/gui/narrative_view.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_internal.h>

#include "app/gui/event_text.hpp"
#include "app/gui/text_fit.hpp"

namespace strata::gui {

namespace {

ImFont* span_font(const MdSpan& span, const FontSet& fonts) {
    if (span.code) return fonts.or_regular(fonts.mono);
    if (span.strong) return fonts.or_regular(fonts.bold);
    if (span.emphasis) return fonts.or_regular(fonts.italic);
    return fonts.regular;
}

constexpr float kOverhang = 3.0f;

// Flows spans word by word, wrapping at the right edge: ImGui 1.86 has no
// rich text, and mixing fonts inside one TextWrapped is not possible.
void draw_spans(const std::vector<MdSpan>& spans, const FontSet& fonts, const Palette& palette, float indent,
                Commands* commands) {
    const float left = ImGui::GetCursorScreenPos().x + indent;
    // Wrap before the content's edge or the clip's, whichever comes first.
    const float right = std::min(ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x,
                                 ImGui::GetWindowDrawList()->GetClipRectMax().x);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 pen(left, ImGui::GetCursorScreenPos().y);
    const float line_height = ImGui::GetTextLineHeightWithSpacing();
    for (const MdSpan& span : spans) {
        ImFont* font = span_font(span, fonts);
        const float size = ImGui::GetFontSize();
        const ImU32 colour = span.link.empty() ? ImGui::GetColorU32(ImGuiCol_Text) : palette.link;
        std::size_t pos = 0;
        while (pos < span.text.size()) {
            if (span.text[pos] == '\n') {
                pen = ImVec2(left, pen.y + line_height);
                ++pos;
                continue;
            }
            // A word and the spaces after it.
            std::size_t end = span.text.find_first_of(" \n", pos);
            if (end == std::string::npos) end = span.text.size();
            while (end < span.text.size() && span.text[end] == ' ') ++end;
            // A word longer than a whole line (a sysctl name, a path) is
            // broken where the line ends rather than run off the panel.
            const float line_room = right - kOverhang - left;
            if (font->CalcTextSizeA(size, FLT_MAX, 0, span.text.c_str() + pos, span.text.c_str() + end).x > line_room) {
                std::size_t fits = pos + 1;
                while (fits < end && ((static_cast<unsigned char>(span.text[fits]) & 0xC0) == 0x80 ||
                                      font->CalcTextSizeA(size, FLT_MAX, 0, span.text.c_str() + pos,
                                                          span.text.c_str() + fits + 1).x <= line_room))
                    ++fits;
                end = fits;
            }
            const std::string word = span.text.substr(pos, end - pos);
            pos = end;
            const ImVec2 ws = font->CalcTextSizeA(size, FLT_MAX, 0, word.c_str());
            // The last glyph's quad may reach a few pixels past its advance
            // (bold, italic): keep that inside too.
            if (pen.x + ws.x > right - kOverhang && pen.x > left) pen = ImVec2(left, pen.y + line_height);
            if (span.code) dl->AddRectFilled(pen, ImVec2(pen.x + ws.x, pen.y + ws.y), palette.code_background, 3.0f);
            dl->AddText(font, size, pen, colour, word.c_str());
            const ImRect box(pen, ImVec2(pen.x + ws.x, pen.y + ws.y));
            if (!span.link.empty()) {
                dl->AddLine(ImVec2(box.Min.x, box.Max.y), box.Max, colour);
                if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(box.Min, box.Max)) {
                    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
                    ImGui::SetTooltip("%s\n(click to open it in the browser)", span.link.c_str());
                    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && commands)
                        commands->push_back({CommandKind::open_link, span.link});
                }
            }
            pen.x += ws.x;
        }
    }
    // Reserve the space the words used so the next item goes below.
    const ImVec2 start = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(std::max(1.0f, right - start.x), pen.y + line_height - start.y));
}

// A code block keeps its lines: one wider than the panel is set smaller
// (down to three quarters of the type size), and only a line that still
// does not fit is broken, its continuation marked "↪" under its indent.
void draw_code(const std::string& code, const FontSet& fonts, const Palette& palette) {
    constexpr float kPad = 6.0f;
    ImFont* font = fonts.or_regular(fonts.mono);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float right = std::min(ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x,
                                 ImGui::GetWindowDrawList()->GetClipRectMax().x);
    const float room = std::max(right - p.x - 2 * kPad, 1.0f);
    std::vector<std::string> lines;
    for (std::size_t start = 0; start <= code.size();) {
        std::size_t end = code.find('\n', start);
        if (end == std::string::npos) end = code.size();
        if (end > start || end < code.size()) lines.push_back(code.substr(start, end - start));
        start = end + 1;
    }
    float size = ImGui::GetFontSize();
    float widest = 0;
    for (const auto& line : lines) widest = std::max(widest, font->CalcTextSizeA(size, FLT_MAX, 0, line.c_str()).x);
    if (widest > room) size = std::max(size * 0.75f, size * room / widest);
    auto continuation_byte = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
    std::vector<std::string> shown;
    for (const auto& line : lines) {
        std::string rest = line;
        const std::size_t indent = std::min(rest.find_first_not_of(' '), rest.size());
        std::size_t prefix = 0;  // the "↪ " a continuation starts with, and its indent
        while (true) {
            std::size_t fits = rest.size();
            while (fits > prefix + 1 && font->CalcTextSizeA(size, FLT_MAX, 0, rest.c_str(), rest.c_str() + fits).x > room) --fits;
            if (fits >= rest.size()) {
                shown.push_back(rest);
                break;
            }
            // Cut after the last space that fits, past the indent; else mid-word.
            const std::size_t space = rest.rfind(' ', fits);
            std::size_t cut = space != std::string::npos && space > std::max(prefix, indent) ? space + 1 : std::max(fits, prefix + 1);
            while (cut < rest.size() && continuation_byte(rest[cut])) ++cut;
            shown.push_back(rest.substr(0, cut));
            rest = std::string(indent, ' ') + "↪ " + rest.substr(cut);
            prefix = indent + std::string_view("↪ ").size();
        }
    }
    const float line_height = size * (ImGui::GetTextLineHeight() / ImGui::GetFontSize());
    const float height = line_height * static_cast<float>(shown.size());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(right, p.y + height + 2 * 4), palette.code_background, 4.0f);
    for (std::size_t i = 0; i < shown.size(); ++i)
        dl->AddText(font, size, ImVec2(p.x + kPad, p.y + 4 + line_height * static_cast<float>(i)),
                    ImGui::GetColorU32(ImGuiCol_Text), shown[i].c_str());
    ImGui::Dummy(ImVec2(std::max(1.0f, right - p.x), height + 2 * 4 + 4));
}

}  // namespace

void draw_markdown(const std::vector<MdBlock>& blocks, const FontSet& fonts, const Palette& palette, Commands* commands) {
    for (const MdBlock& block : blocks) {
        switch (block.kind) {
            case MdBlockKind::heading: {
                ImGui::PushFont(fonts.or_regular(block.level <= 2 ? fonts.heading : fonts.bold));
                std::string text;
                for (const auto& s : block.spans) text += s.text;
                text_wrapped(text);
                ImGui::PopFont();
                break;
            }
            case MdBlockKind::paragraph: draw_spans(block.spans, fonts, palette, 0, commands); break;
            case MdBlockKind::quote: {
                const ImVec2 p = ImGui::GetCursorScreenPos();
                draw_spans(block.spans, fonts, palette, ImGui::GetFontSize(), commands);
                ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + 3, ImGui::GetCursorScreenPos().y),
                                                          palette.muted_text);
                break;
            }
            case MdBlockKind::list_item: {
                const float indent = ImGui::GetFontSize() * 1.2f * static_cast<float>(std::max(1, block.depth));
                const ImVec2 p = ImGui::GetCursorScreenPos();
                ImGui::GetWindowDrawList()->AddText(ImVec2(p.x + indent - ImGui::GetFontSize() * 1.1f, p.y),
                                                    ImGui::GetColorU32(ImGuiCol_Text), block.bullet.c_str());
                draw_spans(block.spans, fonts, palette, indent, commands);
                break;
            }
            case MdBlockKind::code: draw_code(block.code, fonts, palette); break;
            case MdBlockKind::rule: ImGui::Separator(); break;
        }
    }
}

ParsedNarrative parse_lesson_narrative(const engine::Lesson& lesson, const std::filesystem::path& assets) {
    ParsedNarrative parsed;
    parsed.lesson_id = lesson.id;
    parsed.title = lesson.title;
    auto narrative = engine::load_narrative(assets, lesson.id);
    if (!narrative) {
        parsed.problem = narrative.error().describe();
        return parsed;
    }
    parsed.found = true;
    parsed.introduction = parse_markdown(narrative->introduction);
    for (const auto& section : narrative->sections) {
        parsed.sections[section.id] = parse_markdown(section.markdown);
        if (!section.revealed.empty()) parsed.revealed[section.id] = parse_markdown(section.revealed);
    }
    return parsed;
}

std::vector<const std::vector<MdBlock>*> section_blocks(const ParsedNarrative& narrative, const std::string& step_id,
                                                        engine::StepStatus status) {
    std::vector<const std::vector<MdBlock>*> out;
    if (auto it = narrative.sections.find(step_id); it != narrative.sections.end()) out.push_back(&it->second);
    if (status != engine::StepStatus::done || out.empty()) return out;
    if (auto it = narrative.revealed.find(step_id); it != narrative.revealed.end()) out.push_back(&it->second);
    return out;
}

namespace {

const char* status_mark(engine::StepStatus s, bool current) {
    switch (s) {
        case engine::StepStatus::done: return "✓";
        case engine::StepStatus::failed: return "✗";
        case engine::StepStatus::cancelled: return "■";
        case engine::StepStatus::running: return "▶";
        case engine::StepStatus::pending: return current ? "▶" : "○";
    }
    return "";
}

void step_outcome(const engine::Snapshot& snap, int i, const Palette& palette) {
    const auto& record = snap.steps[static_cast<std::size_t>(i)];
    if (record.status == engine::StepStatus::done) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette.path_vm_entry);
        // A replayed step says so on its own line too: the duration is the
        // recorded run's, not this machine's.
        text_wrapped(fmt::format("✓ {}  ({}{})", record.summary, duration_text(record.duration),
                                 snap.replay_label ? ", replayed" : ""));
        ImGui::PopStyleColor();
        const auto check = snap.check_layers(i);
        if (!check.ok()) {
            std::string text = "layers: ";
            for (auto l : check.missing) text += fmt::format("expected {} (not touched) ", engine::layer_key(l));
            for (auto l : check.unexpected) text += fmt::format("touched {} (not declared) ", engine::layer_key(l));
            muted_wrapped(text);
        }
    } else if (record.error) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette.failed);
        text_wrapped("✗ " + record.error->describe());
        ImGui::PopStyleColor();
        if (!record.error->hint.empty()) text_wrapped("why: " + record.error->hint);
        ImGui::TextDisabled("Restart to try again; the UI keeps working.");
    } else if (record.status == engine::StepStatus::running) {
        ImGui::TextDisabled("running… (Esc cancels)");
    }
}

}  // namespace

Commands narrative_view(const engine::Snapshot* snapshot, const FontSet& fonts, const Palette& palette,
                        NarrativeViewState& state) {
    Commands commands;
    if (!snapshot || !snapshot->lesson) {
        text_wrapped("Choose a lesson on the left. Each step makes real system calls on this machine; "
                     "the diagram lights up exactly the layers they touched.");
        return commands;
    }
    const engine::Lesson& lesson = *snapshot->lesson;
    if (!state.narrative || state.narrative->lesson_id != lesson.id) {
        state.narrative = std::make_shared<ParsedNarrative>(parse_lesson_narrative(lesson, engine::asset_dir()));
        state.scrolled_to = -2;
    }
    const ParsedNarrative& n = *state.narrative;
    ImGui::PushFont(fonts.or_regular(fonts.heading));
    text_wrapped(n.title);
    ImGui::PopFont();
    // (A replay's label is the banner above this panel: app_shell draws it
    // where it never scrolls away.)
    if (!n.found) {
        text_wrapped(lesson.summary);
        muted_wrapped("(no narrative: " + n.problem + ")");
    } else {
        draw_markdown(n.introduction, fonts, palette, &commands);
    }

    const int current = snapshot->current_step;
    for (int i = 0; i < static_cast<int>(lesson.steps.size()); ++i) {
        const auto& step = lesson.steps[static_cast<std::size_t>(i)];
        const auto status = snapshot->steps.size() > static_cast<std::size_t>(i)
                                ? snapshot->steps[static_cast<std::size_t>(i)].status
                                : engine::StepStatus::pending;
        ImGui::Spacing();
        const ImVec2 top = ImGui::GetCursorScreenPos();
        ImGui::PushFont(fonts.or_regular(fonts.bold));
        text_wrapped(fmt::format("{}  {}. {}", status_mark(status, i == current + 1 && status == engine::StepStatus::pending),
                                 i + 1, step.title));
        ImGui::PopFont();
        // Keep the current step in view: scroll once when it changes.
        const int focus = current < 0 ? 0 : current;
        if (i == focus && state.scrolled_to != focus) {
            ImGui::SetScrollHereY(0.1f);
            state.scrolled_to = focus;
        }
        const auto blocks = section_blocks(n, step.id, status);
        if (!blocks.empty()) draw_markdown(*blocks.front(), fonts, palette, &commands);
        if (i <= current) step_outcome(*snapshot, i, palette);
        if (blocks.size() > 1) draw_markdown(*blocks[1], fonts, palette, &commands);
        if (i == current) {
            // A bar beside the current section, in the highlight colour.
            ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(top.x - 6, top.y), ImVec2(top.x - 3, ImGui::GetCursorScreenPos().y),
                                                      palette.node_lit);
        }
    }
    return commands;
}

}  // namespace strata::gui
