// The inspector's plots: a histogram of a sample, and several series lines
// on the same axes (compare/start-time and compare/footprint use them).
#include <catch2/catch.hpp>

#include "app/gui/inspector_view.hpp"
#include "app/gui/inspector_widgets.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;

namespace {

gui::Palette palette() {
    ImGuiStyle style;
    return gui::make_theme("dark", style).palette;
}

}  // namespace

TEST_CASE("A histogram fact is drawn as bars, and an empty one says so", "[gui][inspectors]") {
    tests::HeadlessImGui imgui;
    const auto p = palette();
    const engine::HistogramView view{"containers: start to ready", "ms", {1.5, 1.6, 1.6, 1.7, 3.0, 1.55}};
    for (int i = 0; i < 2; ++i) imgui.frame([&] { gui::histogram_plot(view, p); });
    CHECK(tests::HeadlessImGui::drew_colour(p.path_syscall));

    const engine::HistogramView empty{"nothing yet", "ms", {}};
    for (int i = 0; i < 2; ++i) imgui.frame([&] { gui::histogram_plot(empty, p); });
    CHECK_FALSE(tests::HeadlessImGui::drew_colour(p.path_syscall));
}

TEST_CASE("Every line of a series is drawn, each in its own colour, on shared axes", "[gui][inspectors]") {
    tests::HeadlessImGui imgui;
    const auto p = palette();
    engine::SeriesView view{"density", "N", "MiB", {{1, 1.3}, {5, 1.8}}, "containers", {{"VMs", {{1, 1.1}, {5, 4.0}}}}};
    for (int i = 0; i < 2; ++i) imgui.frame([&] { gui::series_plot(view, p); });
    CHECK(tests::HeadlessImGui::drew_colour(p.path_syscall));  // containers
    CHECK(tests::HeadlessImGui::drew_colour(p.path_vm_exit));  // VMs
}

TEST_CASE("In a narrow inspector panel the plots' titles and summaries wrap instead of running off", "[gui][inspectors][fit]") {
    tests::HeadlessImGui imgui(260, 600);  // narrower than the inspectors' column at 1024x768
    const auto p = palette();
    engine::Snapshot snap;
    snap.facts.histograms.push_back({"containers: start to ready, from clone3 to the program's exit", "ms",
                                     {6.02, 7.5, 8.1, 9.9, 12.4, 27.9}});
    snap.facts.series.push_back({"resident memory of an idle fleet, per member", "members", "MiB", {{1, 3}, {2, 5}}});
    gui::FontSet fonts;
    fonts.regular = ImGui::GetIO().Fonts->Fonts[0];
    gui::ConsoleViewState console;
    for (const char* tab : {"histograms", "series"}) {
        CAPTURE(tab);
        gui::InspectorTabs tabs;
        tabs.first = tab;
        for (int i = 0; i < 3; ++i) imgui.frame([&] { gui::inspector_view(&snap, nullptr, fonts, p, {}, console, tabs); });
        REQUIRE(tabs.front == tab);
        const auto cut = tests::HeadlessImGui::text_cut_sideways();
        CAPTURE(cut);
        CHECK(cut.empty());
    }
}
