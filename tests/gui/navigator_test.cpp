// The lesson list: every title and progress count drawn whole, at the
// navigator's width in a small window.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "app/gui/navigator_view.hpp"
#include "app/gui/panel_splits.hpp"
#include "lessons/catalogue.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;

namespace {

// Glyphs of the last frame drawn in `colour` (a glyph is a textured quad).
std::size_t glyphs_in(ImU32 colour) {
    const ImDrawData* data = ImGui::GetDrawData();
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    std::size_t vertices = 0;
    for (int l = 0; l < data->CmdListsCount; ++l)
        for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer)
            if (v.col == colour && (v.uv.x != white.x || v.uv.y != white.y)) ++vertices;
    return vertices / 4;
}

// Characters that draw a glyph: UTF-8 code points but spaces.
std::size_t visible_chars(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 && c != ' ';
    return n;
}

}  // namespace

TEST_CASE("The lesson list shows every title and progress count whole at 1024x768", "[gui][navigator][fit]") {
    const auto panels = gui::panel_layout(ImVec2(1024, 768), 20, {});
    // The navigator's width; tall enough that no row scrolls out of view.
    tests::HeadlessImGui imgui(panels.navigator.GetWidth(), 4000);
    ImGuiStyle style;
    const auto p = gui::make_theme("dark", style).palette;
    ImGui::GetStyle().Colors[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
    ImGui::GetStyle().Colors[ImGuiCol_TextDisabled] = ImVec4(0.5f, 0.5f, 0.5f, 1);
    gui::LessonAvailability availability;
    availability.skipped = true;
    const auto& catalogue = lessons::catalogue();
    std::map<std::string, int> done;
    for (const auto& l : catalogue.lessons()) done[l.id] = static_cast<int>(l.steps.size()) / 2;
    imgui.frame([&] { gui::navigator_view(catalogue, availability, done, catalogue.lessons().front().id, p); });

    std::size_t titles = 0, counts = 0, tracks = 0;
    std::string track;
    for (const auto& l : catalogue.lessons()) {
        titles += visible_chars(l.title);
        counts += visible_chars(fmt::format("{}/{}", l.steps.size() / 2, l.steps.size())) +
                  visible_chars("availability not checked");
        if (l.track != track) track = l.track, ++tracks;
    }
    REQUIRE(tracks == 3);
    const std::size_t headers = visible_chars("Virtual machines (KVM)") + visible_chars("Containers") + visible_chars("Side by side");
    // Titles whole; a track's header whole or cut in the middle around "…"
    // (a header cannot wrap; its tooltip has it whole).
    CHECK(glyphs_in(IM_COL32_WHITE) <= titles + headers);
    CHECK(glyphs_in(IM_COL32_WHITE) >= titles + 3 * visible_chars("V…)"));
    CHECK(glyphs_in(IM_COL32(128, 128, 128, 255)) == counts);
    const auto cut = tests::HeadlessImGui::text_cut_sideways();
    CAPTURE(cut);
    CHECK(cut.empty());
}
