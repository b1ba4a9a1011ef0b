#include "app/gui/timeline_view.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/event_text.hpp"
#include "app/gui/text_fit.hpp"

namespace strata::gui {

namespace {

void layer_chips(const engine::TraceEvent& e, const Palette& palette) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = ImGui::GetTextLineHeight();
    ImVec2 p = ImGui::GetCursorScreenPos();
    for (engine::LayerId layer : e.layers) {
        dl->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + h * 0.6f, p.y + h - 2), layer_colour(palette, layer), 2.0f);
        p.x += h * 0.6f + 2;
    }
    ImGui::Dummy(ImVec2(std::max(1.0f, p.x - ImGui::GetCursorScreenPos().x), h));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", layers_text(e).c_str());
}

void event_tooltip(const engine::TraceEvent& e) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
    ImGui::Text("#%llu  %s: %s", static_cast<unsigned long long>(e.sequence), std::string(engine::event_kind_key(e.kind)).c_str(),
                std::string(engine::event_kind_meaning(e.kind)).c_str());
    ImGui::TextUnformatted(event_call_text(e).c_str());
    ImGui::Text("at %s, took %s", duration_text(e.start).c_str(), duration_text(e.duration).c_str());
    if (!e.layers.empty()) ImGui::Text("layers: %s", layers_text(e).c_str());
    const std::string result = event_result_text(e);
    if (!result.empty()) ImGui::Text("result: %s", result.c_str());
    if (!e.detail.empty()) {
        ImGui::Separator();
        ImGui::TextUnformatted(e.detail.c_str());
    }
    if (e.replayed) ImGui::TextDisabled("replayed from a recording");
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

// Puts the next item on this line when `width` more pixels fit beside the
// last one, else on the next line: the toolbar wraps instead of running
// past a narrow panel's edge.
void same_line_if_room(float width) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
}

float checkbox_width(const char* label) {
    return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

float button_width(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

Commands toolbar(const engine::Snapshot* snapshot, TimelineViewState& state, const Palette& palette) {
    Commands commands;
    ImGui::SetNextItemWidth(std::min(ImGui::GetFontSize() * 12, ImGui::GetContentRegionAvail().x));
    ImGui::InputTextWithHint("##search", "search calls, args, errors", &state.filter.search);
    same_line_if_room(checkbox_width("this step"));
    ImGui::Checkbox("this step", &state.filter.current_step_only);
    same_line_if_room(checkbox_width("failed"));
    ImGui::Checkbox("failed", &state.filter.failed_only);
    if (state.filter.layer) {
        const std::string label = fmt::format("layer: {}  ×##clear-layer", engine::layer_info(*state.filter.layer).title);
        same_line_if_room(button_width(label.c_str()));
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(palette.node_filtered));
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 255));
        if (ImGui::SmallButton(label.c_str())) commands.push_back({CommandKind::filter_layer});
        ImGui::PopStyleColor(2);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Set by clicking a node in the diagram; click to clear.");
    }
    same_line_if_room(button_width("Export…"));
    const bool can_export = snapshot && !snapshot->events.empty();
    if (!can_export) ImGui::BeginDisabled();
    if (ImGui::Button("Export…")) ImGui::OpenPopup("export-trace");
    state.export_button = ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    state.save_button.reset();
    if (!can_export) ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("Save the run as a Chrome trace-event JSON file (opens in ui.perfetto.dev).\n"
                          "CLI twin: strata trace ID -o file.json");
    if (ImGui::BeginPopup("export-trace")) {
        ImGui::TextUnformatted("Chrome trace-event JSON file:");
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 20);
        ImGui::InputText("##path", &state.export_path);
        if (ImGui::Button("Save")) {
            commands.push_back({CommandKind::export_trace, state.export_path});
            ImGui::CloseCurrentPopup();
        }
        state.save_button = ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
        ImGui::EndPopup();
    }
    if (!state.export_message.empty()) {
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        fitted_text(state.export_message);
        ImGui::PopStyleColor();
    }
    return commands;
}

// One line per event that passes the filter, and for a failed call a
// second line saying why (cut to the row, whole on hover). Only events
// recorded since the last frame are looked at, unless what decides which
// rows show has changed.
const std::vector<TimelineLine>& table_lines(const engine::Snapshot& snapshot, TimelineViewState& state) {
    TimelineLines& cache = state.lines;
    const engine::EventLogView& events = snapshot.events;
    if (cache.log != events.log_id() || !(cache.filter == state.filter) || cache.current_step != snapshot.current_step ||
        cache.filtered > events.size())
        cache = {events.log_id(), state.filter, snapshot.current_step, 0, 0, {}};
    std::vector<std::size_t> rows;
    filter_events_from(events, state.filter, snapshot.current_step, cache.filtered, rows);
    cache.filtered = events.size();
    cache.rows += rows.size();
    for (const std::size_t r : rows) {
        cache.lines.push_back({r, false});
        if (events[r].failed() && !events[r].detail.empty()) cache.lines.push_back({r, true});
    }
    return cache.lines;
}

}  // namespace

Commands timeline_view(const engine::Snapshot* snapshot, const Palette& palette, TimelineViewState& state) {
    Commands commands = toolbar(snapshot, state, palette);
    state.rows_shown = 0;
    state.hovered.reset();
    state.call_width.reset();
    if (!snapshot) {
        ImGui::TextDisabled("Pick a lesson and press Step: every real call it makes appears here.");
        return commands;
    }
    const auto& events = snapshot->events;
    const std::vector<TimelineLine>& lines = table_lines(*snapshot, state);
    state.rows_shown = state.lines.rows;
    const bool follow = events.size() > state.seen_events;
    state.seen_events = events.size();

    // Fixed widths from the font: fitting to the first frame's content
    // would size the columns for an empty table. The call column stretches
    // but keeps room for a call's name and a few arguments: a narrow panel
    // first hides the start time, then the duration (both stay in the row's
    // tooltip), and below that the table scrolls sideways.
    const float em = ImGui::GetFontSize();
    struct Column {
        const char* name;
        float ems;
    };
    static constexpr Column kColumns[] = {{"step", 2.8f}, {"time", 5.3f}, {"took", 5.2f}, {"layers", 3.6f},
                                          {"kind", 6.2f}, {"call", 12.0f}, {"result", 5.5f}};
    // In a narrow panel, kind and layers give up room before anything
    // scrolls sideways: their cut text shows whole on hover. (ImGui takes
    // a column's width once, when the table first appears.)
    static constexpr Column kNarrowColumns[] = {{"step", 2.8f}, {"time", 5.3f}, {"took", 5.2f}, {"layers", 3.0f},
                                                {"kind", 4.4f}, {"call", 12.0f}, {"result", 5.5f}};
    constexpr int kTime = 1, kTook = 2, kCall = 5;
    const ImGuiStyle& style = ImGui::GetStyle();
    const Column* columns = kColumns;
    auto needs = [&](bool time, bool took) {
        float w = style.ScrollbarSize;
        for (int i = 0; i < 7; ++i)
            if ((i != kTime || time) && (i != kTook || took)) w += columns[i].ems * em + style.CellPadding.x * 2 + 1;
        return w;
    };
    const float avail = ImGui::GetContentRegionAvail().x;
    if (avail < needs(false, false)) columns = kNarrowColumns;
    const bool show_time = avail >= needs(true, true);
    const bool show_took = avail >= needs(false, true);
    const float minimum = needs(show_time, show_took);
    ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                            ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
    if (avail < minimum) flags |= ImGuiTableFlags_ScrollX;
    // A whole number of rows tall, so that following the newest event
    // never leaves half a row cut at the top.
    const float row = ImGui::GetTextLineHeight() + style.CellPadding.y * 2;
    const float below = (flags & ImGuiTableFlags_ScrollX) ? style.ScrollbarSize : 0.0f;
    const float rows_fit = std::floor((ImGui::GetContentRegionAvail().y - below) / row);
    const ImVec2 size(0, std::max(rows_fit, 3.0f) * row + below);
    if (!ImGui::BeginTable("timeline", 7, flags, size, avail < minimum ? minimum : 0.0f)) return commands;
    ImGui::TableSetupScrollFreeze(0, 1);
    for (int i = 0; i < 7; ++i) {
        ImGuiTableColumnFlags f = i == kCall ? ImGuiTableColumnFlags_WidthStretch : ImGuiTableColumnFlags_WidthFixed;
        if ((i == kTime && !show_time) || (i == kTook && !show_took)) f |= ImGuiTableColumnFlags_Disabled;
        ImGui::TableSetupColumn(columns[i].name, f, i == kCall ? 0.0f : em * columns[i].ems);
    }
    ImGui::TableHeadersRow();

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(lines.size()));
    while (clipper.Step()) {
        for (int l = clipper.DisplayStart; l < clipper.DisplayEnd; ++l) {
            const TimelineLine& line = lines[static_cast<std::size_t>(l)];
            const engine::TraceEvent& e = events[line.event];
            ImGui::TableNextRow();
            if (e.step == snapshot->current_step && e.step >= 0)
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, palette.current_row);
            if (e.failed()) ImGui::PushStyleColor(ImGuiCol_Text, palette.failed);
            if (line.why) {
                ImGui::TableSetColumnIndex(kCall);
                fitted_text("why: " + e.detail);
                ImGui::PopStyleColor();
                continue;
            }
            ImGui::TableNextColumn();
            // The step number is a selectable as wide as the row, so the
            // whole row reacts to the mouse (and the diagram shows its path).
            // ↺: re-emitted from a recording of a real run, not made here.
            const std::string label = fmt::format("{}{}##row{}", e.step + 1, e.replayed ? " ↺" : "", e.sequence);
            ImGui::Selectable(label.c_str(), false,
                              ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap);
            if (ImGui::IsItemHovered()) {
                state.hovered = e.sequence;
                if (e.replayed) ImGui::SetTooltip("replayed from a recording of a real run");
            }
            ImGui::TableNextColumn();
            fitted_text(duration_text(e.start));
            ImGui::TableNextColumn();
            fitted_text(duration_text(e.duration));
            ImGui::TableNextColumn();
            layer_chips(e, palette);
            ImGui::TableNextColumn();
            fitted_text(engine::event_kind_key(e.kind));
            ImGui::TableNextColumn();
            if (!state.call_width) state.call_width = ImGui::GetContentRegionAvail().x;
            // Cut in the middle when narrow; the tooltip has it whole.
            fitted_text(event_call_text(e), /*tooltip=*/false);
            if (ImGui::IsItemHovered()) event_tooltip(e);
            ImGui::TableNextColumn();
            fitted_text(event_result_text(e));
            if (e.failed()) ImGui::PopStyleColor();
        }
    }
    if (follow) ImGui::SetScrollHereY(1.0f);
    ImGui::EndTable();
    return commands;
}

}  // namespace strata::gui
