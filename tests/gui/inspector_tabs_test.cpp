// Which inspector tab is in front, headless: an empty console gives way to
// the first tab with data, a lesson's `inspector:` tab comes to the front
// once it has data, and a console with output that the learner chose stays.
#include <catch2/catch.hpp>

#include "app/gui/inspector_view.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;

namespace {

struct Inspectors {
    tests::HeadlessImGui imgui{500, 400};
    gui::FontSet fonts;
    gui::Palette palette;
    gui::ConsoleViewState console;
    gui::InspectorTabs tabs;
    Inspectors() {
        fonts.regular = ImGui::GetIO().Fonts->Fonts[0];
        palette = gui::make_theme("dark", ImGui::GetStyle()).palette;
    }
    // Two frames: a tab asked to the front is in front from the second.
    void show(const engine::Snapshot& snap, bool show_console = false) {
        for (int i = 0; i < 2; ++i)
            imgui.frame([&] { gui::inspector_view(&snap, nullptr, fonts, palette, {}, console, tabs, show_console && i == 0); });
    }
};

}  // namespace

TEST_CASE("An empty console gives way to the first tab with data", "[gui][inspector][tabs]") {
    Inspectors view;
    const auto before = tests::fixture_snapshot(0);  // no facts, no output: the console alone
    view.show(before);
    CHECK(view.tabs.front == "console");
    const auto after = tests::fixture_snapshot(1);  // registers
    REQUIRE(after.console.empty());
    view.show(after);
    CHECK(view.tabs.front == "registers");
}

TEST_CASE("A lesson's inspector tab comes to the front once it has data, then the learner chooses",
          "[gui][inspector][tabs]") {
    Inspectors view;
    view.tabs.first = "series";
    view.show(tests::fixture_snapshot(1));  // registers only: no series yet
    CHECK(view.tabs.front == "registers");
    CHECK(view.tabs.first == "series");  // still waiting
    const auto with_series = tests::fixture_snapshot(2);
    view.show(with_series);
    CHECK(view.tabs.front == "series");
    CHECK(view.tabs.first.empty());  // once: a tab the learner picks later stays picked
    SECTION("a console with output the learner brought to the front stays there") {
        REQUIRE_FALSE(with_series.console.empty());
        view.show(with_series, /*show_console=*/true);
        CHECK(view.tabs.front == "console");
        view.show(with_series);
        CHECK(view.tabs.front == "console");
    }
}

TEST_CASE("A lesson's inspector tab wins even in a tab bar drawn for the first time", "[gui][inspector][tabs]") {
    Inspectors view;
    view.tabs.first = "series";
    view.show(tests::fixture_snapshot(2));  // registers, memory, tables, series: all new at once
    CHECK(view.tabs.front == "series");
    CHECK(view.tabs.first.empty());
}
