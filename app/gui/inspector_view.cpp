#include "app/gui/inspector_view.hpp"

#include <imgui.h>

#include "app/gui/inspector_widgets.hpp"

namespace strata::gui {

namespace {

const engine::RegisterView* same_title(const engine::Facts* facts, const std::string& title) {
    if (!facts) return nullptr;
    for (const auto& v : facts->registers)
        if (v.title == title) return &v;
    return nullptr;
}

}  // namespace

Commands inspector_view(const engine::Snapshot* snapshot, const engine::Facts* previous, const FontSet& fonts,
                        const Palette& palette, const ShellState& shell, ConsoleViewState& console,
                        bool show_console) {
    Commands out;
    if (!snapshot) {
        ImGui::TextDisabled("What a step finds out (registers, memory, mount tables, cgroup counters) shows here.");
        return out;
    }
    const engine::Facts& f = snapshot->facts;
    if (!ImGui::BeginTabBar("inspectors")) return out;
    if (!f.values.empty() && ImGui::BeginTabItem("Values")) {
        value_list(f.values);
        ImGui::EndTabItem();
    }
    if (!f.registers.empty() && ImGui::BeginTabItem("Registers")) {
        for (const auto& view : f.registers) register_table(view, same_title(previous, view.title), fonts, palette);
        ImGui::EndTabItem();
    }
    if (!f.memory.empty() && ImGui::BeginTabItem("Memory")) {
        for (const auto& view : f.memory) memory_inspector(view, f, fonts, palette);
        ImGui::EndTabItem();
    }
    if (!f.tables.empty() && ImGui::BeginTabItem("Tables")) {
        for (const auto& view : f.tables) fact_table(view, palette);
        ImGui::EndTabItem();
    }
    if (!f.series.empty() && ImGui::BeginTabItem("Series")) {
        for (const auto& view : f.series) series_plot(view, palette);
        ImGui::EndTabItem();
    }
    if (!f.histograms.empty() && ImGui::BeginTabItem("Histograms")) {
        for (const auto& view : f.histograms) histogram_plot(view, palette);
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Console", nullptr, show_console ? ImGuiTabItemFlags_SetSelected : 0)) {
        out = console_view(*snapshot, shell, fonts, palette, console);
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
    return out;
}

}  // namespace strata::gui
