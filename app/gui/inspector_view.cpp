#include "app/gui/inspector_view.hpp"

#include <imgui.h>

#include "app/gui/inspector_widgets.hpp"
#include "app/gui/text_fit.hpp"
#include "engine/exercise.hpp"

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
                        InspectorTabs& tabs, bool show_console) {
    Commands out;
    if (!snapshot) {
        tabs.front.clear();
        muted_wrapped("What a step finds out (registers, memory, mount tables, cgroup counters) shows here.");
        return out;
    }
    const engine::Facts& f = snapshot->facts;
    const bool has[] = {!f.values.empty(), !f.registers.empty(), !f.memory.empty(), !f.tables.empty(),
                        !f.series.empty(),  !f.histograms.empty()};
    const auto keys = engine::inspector_tab_keys();  // the same order, then "console"
    // The tab to bring to the front this frame, if any.
    std::string_view pick;
    if (show_console) pick = "console";
    else if (!tabs.first.empty()) {
        for (std::size_t i = 0; i < std::size(has); ++i)
            if (has[i] && keys[i] == tabs.first) pick = keys[i];
        if (tabs.first == "console") pick = "console";
    }
    const bool console_empty = snapshot->console.empty() && !shell.running;
    if (pick.empty() && tabs.front == "console" && console_empty)
        for (std::size_t i = 0; i < std::size(has) && pick.empty(); ++i)
            if (has[i]) pick = keys[i];

    auto tab = [&](std::size_t i, const char* label) {
        const ImGuiTabItemFlags flags = pick == keys[i] ? ImGuiTabItemFlags_SetSelected : 0;
        if (!ImGui::BeginTabItem(label, nullptr, flags)) return false;
        tabs.front = std::string(keys[i]);
        return true;
    };
    tabs.front.clear();
    if (!ImGui::BeginTabBar("inspectors")) return out;
    if (has[0] && tab(0, "Values")) {
        value_list(f.values);
        ImGui::EndTabItem();
    }
    if (has[1] && tab(1, "Registers")) {
        for (const auto& view : f.registers) register_table(view, same_title(previous, view.title), fonts, palette);
        ImGui::EndTabItem();
    }
    if (has[2] && tab(2, "Memory")) {
        // Hex rows and disassembly keep their columns: they scroll sideways.
        if (ImGui::BeginChild("memory", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar))
            for (const auto& view : f.memory) memory_inspector(view, f, fonts, palette);
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    if (has[3] && tab(3, "Tables")) {
        ImGui::PushTextWrapPos(0.0f);  // titles and notes wrap at the panel's edge
        for (const auto& view : f.tables) fact_table(view, palette);
        ImGui::PopTextWrapPos();
        ImGui::EndTabItem();
    }
    if (has[4] && tab(4, "Series")) {
        ImGui::PushTextWrapPos(0.0f);
        for (const auto& view : f.series) series_plot(view, palette);
        ImGui::PopTextWrapPos();
        ImGui::EndTabItem();
    }
    if (has[5] && tab(5, "Histograms")) {
        ImGui::PushTextWrapPos(0.0f);
        for (const auto& view : f.histograms) histogram_plot(view, palette);
        ImGui::PopTextWrapPos();
        ImGui::EndTabItem();
    }
    if (tab(6, "Console")) {
        out = console_view(*snapshot, shell, fonts, palette, console);
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
    // A tab bar drawn for the first time picks its own first tab over the
    // one asked for, so the lesson's tab is asked for until it is in front
    // (a few frames at most), and then left to the learner.
    if (pick == tabs.first && !pick.empty() && (tabs.front == tabs.first || ++tabs.first_tries > 3)) {
        tabs.first.clear();
        tabs.first_tries = 0;
    }
    return out;
}

}  // namespace strata::gui
