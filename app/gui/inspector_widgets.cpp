#include "app/gui/inspector_widgets.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>

#include "app/gui/disassembly.hpp"
#include "app/gui/text_fit.hpp"
#include "engine/histogram.hpp"

namespace strata::gui {

namespace {

constexpr ImGuiTableFlags kTableFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;

std::optional<std::uint64_t> find(const engine::RegisterView* view, const std::string& name) {
    if (!view) return std::nullopt;
    for (const auto& [n, v] : view->registers)
        if (n == name) return v;
    return std::nullopt;
}

void disassembly(const engine::MemoryView& view, const engine::Facts& facts, const FontSet& fonts, const Palette& palette) {
    const CpuMode mode = guess_cpu_mode(facts);
    const auto rip = instruction_address(facts, mode);
    ImGui::Text("Disassembly (%s)", std::string(cpu_mode_title(mode)).c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Mode from the registers: EFER.LMA -> 64-bit, else CR0.PE -> 32-bit, else real mode.");
    ImGui::PushFont(fonts.or_regular(fonts.mono));
    for (const Instruction& insn : disassemble(view, mode)) {
        std::string bytes;
        for (auto b : insn.bytes) bytes += fmt::format("{:02x}", b);
        const bool at_rip = rip && *rip == insn.address;
        if (at_rip) ImGui::PushStyleColor(ImGuiCol_Text, palette.changed_value);
        ImGui::Text("%s %05llx  %-14s %s", at_rip ? "→" : " ", static_cast<unsigned long long>(insn.address), bytes.c_str(),
                    insn.text.c_str());
        if (at_rip) ImGui::PopStyleColor();
    }
    ImGui::PopFont();
}

// x86-64 page-table entries, 8 bytes each, little-endian: where each
// present one points and with which permissions.
void page_table_entries(const engine::MemoryView& view, const FontSet& fonts) {
    ImGui::TextUnformatted("Entries (8 bytes each)");
    ImGui::PushFont(fonts.or_regular(fonts.mono));
    std::size_t empty = 0;
    for (std::size_t i = 0; i + 8 <= view.bytes.size(); i += 8) {
        std::uint64_t entry = 0;
        for (std::size_t b = 0; b < 8; ++b) entry |= static_cast<std::uint64_t>(view.bytes[i + b]) << (8 * b);
        if (!(entry & 1)) {
            ++empty;
            continue;
        }
        std::string flags = "P";
        if (entry & (1ull << 1)) flags += " RW";
        if (entry & (1ull << 2)) flags += " US";
        if (entry & (1ull << 7)) flags += " PS";
        if (entry & (1ull << 63)) flags += " NX";
        ImGui::TextUnformatted(
            fmt::format("[{}] -> {:#x}  {}", i / 8, entry & 0x000ffffffffff000ull, flags).c_str());
    }
    ImGui::PopFont();
    if (empty) muted_wrapped(fmt::format("{} more not present (P = 0): no memory behind them", empty));
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("P present, RW writable, US user (ring 3) may use it, PS a large page, NX no execute");
}

}  // namespace

void register_table(const engine::RegisterView& view, const engine::RegisterView* previous, const FontSet& fonts,
                    const Palette& palette) {
    ImGui::TextUnformatted(view.title.c_str());
    ImGui::PushFont(fonts.or_regular(fonts.mono));
    // Two register columns side by side when there is room.
    const int pairs = ImGui::GetContentRegionAvail().x > ImGui::GetFontSize() * 26 ? 2 : 1;
    if (ImGui::BeginTable(view.title.c_str(), pairs * 2, kTableFlags)) {
        for (std::size_t i = 0; i < view.registers.size(); ++i) {
            const auto& [name, value] = view.registers[i];
            if (i % static_cast<std::size_t>(pairs) == 0) ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(name.c_str());
            ImGui::TableNextColumn();
            const auto before = find(previous, name);
            const bool changed = before && *before != value;
            if (changed) ImGui::PushStyleColor(ImGuiCol_Text, palette.changed_value);
            ImGui::Text("%016llx", static_cast<unsigned long long>(value));
            if (changed) {
                ImGui::PopStyleColor();
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("changed in this step; was %016llx", static_cast<unsigned long long>(*before));
            }
        }
        ImGui::EndTable();
    }
    ImGui::PopFont();
}

void memory_inspector(const engine::MemoryView& view, const engine::Facts& facts, const FontSet& fonts,
                      const Palette& palette) {
    ImGui::Text("%s: %zu bytes", view.title.c_str(), view.bytes.size());
    muted_wrapped(fmt::format("guest-physical {:#x} = host-virtual {:#x} (the same bytes, two addresses)",
                              view.guest_physical, view.host_virtual));
    ImGui::PushFont(fonts.or_regular(fonts.mono));
    // 16 bytes a row where they fit, else 8, else 4: "00010000  03 10 ...  ascii".
    const float char_width = ImGui::CalcTextSize("0").x;
    auto width = [&](std::size_t n) { return char_width * static_cast<float>(10 + n * 3 + 1 + n); };
    std::size_t per_row = 16;
    while (per_row > 4 && width(per_row) > ImGui::GetContentRegionAvail().x) per_row /= 2;
    for (std::size_t row = 0; row < view.bytes.size(); row += per_row) {
        std::string hex, ascii;
        for (std::size_t i = row; i < std::min(row + per_row, view.bytes.size()); ++i) {
            hex += fmt::format("{:02x} ", view.bytes[i]);
            ascii += (view.bytes[i] >= 0x20 && view.bytes[i] < 0x7f) ? static_cast<char>(view.bytes[i]) : '.';
        }
        ImGui::TextUnformatted(
            fmt::format("{:08x}  {:<{}} {}", view.guest_physical + row, hex, per_row * 3, ascii).c_str());
    }
    ImGui::PopFont();
    ImGui::Spacing();
    switch (view.kind) {
        case engine::MemoryKind::code: disassembly(view, facts, fonts, palette); break;
        case engine::MemoryKind::page_table: page_table_entries(view, fonts); break;
        case engine::MemoryKind::data: break;
    }
}

void fact_table(const engine::TableView& view, const Palette& palette) {
    ImGui::TextUnformatted(view.title.c_str());
    const int columns = static_cast<int>(std::max<std::size_t>(1, view.columns.size()));
    // Wider than the panel, the table scrolls sideways rather than cut its
    // last columns; it is as tall as its rows, plus that scrollbar.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float row = ImGui::GetTextLineHeight() + style.CellPadding.y * 2;
    const ImVec2 size(0, row * static_cast<float>(view.rows.size() + 1) + style.ScrollbarSize + 2);
    if (!ImGui::BeginTable(view.title.c_str(), columns, kTableFlags | ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollX, size))
        return;
    for (const auto& c : view.columns) ImGui::TableSetupColumn(c.c_str());
    ImGui::TableHeadersRow();
    for (std::size_t r = 0; r < view.rows.size(); ++r) {
        ImGui::TableNextRow();
        const bool marked = r < view.row_marked.size() && view.row_marked[r];
        if (marked) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, palette.current_row);
        for (int c = 0; c < columns; ++c) {
            ImGui::TableNextColumn();
            if (static_cast<std::size_t>(c) < view.rows[r].size()) ImGui::TextUnformatted(view.rows[r][static_cast<std::size_t>(c)].c_str());
        }
    }
    ImGui::EndTable();
    if (!view.row_marked.empty()) ImGui::TextDisabled("highlighted rows differ");
}

void series_plot(const engine::SeriesView& view, const Palette& palette) {
    ImGui::Text("%s", view.title.c_str());
    // Every line shares the axes, so lines compare by position.
    std::vector<const std::vector<std::pair<double, double>>*> lines = {&view.points};
    for (const auto& line : view.more) lines.push_back(&line.points);
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    bool any = false;
    for (const auto* line : lines)
        for (const auto& [x, y] : *line) {
            x0 = any ? std::min(x0, x) : x;
            x1 = any ? std::max(x1, x) : x;
            y0 = std::min(y0, y);
            y1 = any ? std::max(y1, y) : y;
            any = true;
        }
    if (!any) {
        ImGui::TextDisabled("no points yet");
        return;
    }
    x1 = std::max(x1, x0 + 1e-9);
    y1 = std::max(y1, y0 + 1e-9);
    const ImVec2 size(std::max(ImGui::GetContentRegionAvail().x, 50.0f), ImGui::GetFontSize() * 7);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), palette.code_background);
    auto to_screen = [&](double x, double y) {
        return ImVec2(p.x + static_cast<float>((x - x0) / (x1 - x0)) * size.x,
                      p.y + size.y - static_cast<float>((y - y0) / (y1 - y0)) * size.y);
    };
    const ImU32 colours[] = {palette.path_syscall, palette.path_vm_exit, palette.path_vm_entry, palette.path_other};
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const ImU32 colour = colours[i % std::size(colours)];
        std::vector<ImVec2> pts;
        for (const auto& [x, y] : *lines[i]) pts.push_back(to_screen(x, y));
        dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), colour, 0, 2.0f);
        for (const auto& pt : pts) dl->AddCircleFilled(pt, 2.5f, colour);
    }
    ImGui::Dummy(size);
    if (!view.more.empty())
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (i > 0) ImGui::SameLine();
            const std::string& name = i == 0 ? view.name : view.more[i - 1].name;
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours[i % std::size(colours)]), "— %s", name.c_str());
        }
    ImGui::TextDisabled("%s: %g … %g   %s: %g … %g", view.x_label.c_str(), x0, x1, view.y_label.c_str(), y0, y1);
}

void histogram_plot(const engine::HistogramView& view, const Palette& palette) {
    ImGui::Text("%s", view.title.c_str());
    const auto bins = engine::bin_samples(view.samples, std::clamp<std::size_t>(view.samples.size() / 2, 1, 24));
    if (bins.counts.empty()) {
        ImGui::TextDisabled("no samples yet");
        return;
    }
    std::vector<float> counts(bins.counts.begin(), bins.counts.end());
    const float tallest = *std::max_element(counts.begin(), counts.end());
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImGui::ColorConvertU32ToFloat4(palette.path_syscall));
    ImGui::PlotHistogram(("##" + view.title).c_str(), counts.data(), static_cast<int>(counts.size()), 0, nullptr, 0.0f,
                         tallest, ImVec2(std::max(ImGui::GetContentRegionAvail().x, 50.0f), ImGui::GetFontSize() * 5));
    ImGui::PopStyleColor();
    auto sorted = view.samples;
    std::sort(sorted.begin(), sorted.end());
    ImGui::TextDisabled("%zu samples, %.3g … %.3g %s (bins of %.3g %s), median %.3g %s", view.samples.size(), bins.low,
                        bins.high(), view.unit.c_str(), bins.width, view.unit.c_str(), sorted[sorted.size() / 2],
                        view.unit.c_str());
}

void value_list(const std::vector<std::pair<std::string, std::string>>& values) {
    // Names as wide as the longest, up to half the panel; values take the
    // rest. Both wrap, so a long value is never cut at the panel's edge.
    float names = 0;
    for (const auto& kv : values) names = std::max(names, ImGui::CalcTextSize(kv.first.c_str()).x);
    const float room = ImGui::GetContentRegionAvail().x;
    if (!ImGui::BeginTable("values", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) return;
    ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthFixed, std::max(1.0f, std::min(names, room * 0.5f)));
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    for (const auto& [k, v] : values) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", k.c_str());
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", v.c_str());
    }
    ImGui::EndTable();
}

}  // namespace strata::gui
