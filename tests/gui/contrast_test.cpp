// Contrast ratios (WCAG 2), and every theme held to AA (4.5:1) for every
// text colour on every background it is drawn on: a lab's projector washes
// out what a monitor shows well.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "app/gui/contrast.hpp"
#include "app/gui/theme.hpp"

using namespace strata;

namespace {

constexpr ImU32 kBlack = IM_COL32(0, 0, 0, 255);
constexpr ImU32 kWhite = IM_COL32(255, 255, 255, 255);

}  // namespace

TEST_CASE("Contrast ratios match WCAG's worked values", "[gui][contrast]") {
    CHECK(gui::relative_luminance(kBlack) == Approx(0.0));
    CHECK(gui::relative_luminance(kWhite) == Approx(1.0));
    CHECK(gui::contrast_ratio(kBlack, kWhite) == Approx(21.0));
    CHECK(gui::contrast_ratio(kWhite, kBlack) == Approx(21.0));  // order does not matter
    CHECK(gui::contrast_ratio(kWhite, kWhite) == Approx(1.0));
    // #767676 on white is the lightest grey that passes AA: 4.54:1.
    CHECK(gui::contrast_ratio(IM_COL32(0x76, 0x76, 0x76, 255), kWhite) == Approx(4.54).margin(0.01));
    CHECK(gui::contrast_ratio(IM_COL32(0x77, 0x77, 0x77, 255), kWhite) < 4.5);
    // Pure red on black: 5.25:1; pure blue on black: 2.44:1.
    CHECK(gui::contrast_ratio(IM_COL32(255, 0, 0, 255), kBlack) == Approx(5.25).margin(0.01));
    CHECK(gui::contrast_ratio(IM_COL32(0, 0, 255, 255), kBlack) == Approx(2.44).margin(0.01));
    // Half-transparent white over black is mid grey.
    CHECK(gui::composite(IM_COL32(255, 255, 255, 128), kBlack) == IM_COL32(128, 128, 128, 255));
    CHECK(gui::text_colour_on(IM_COL32(255, 255, 0, 255)) == kBlack);
    CHECK(gui::text_colour_on(IM_COL32(0, 0, 120, 255)) == kWhite);
}

TEST_CASE("Every text colour of every theme reads at AA (4.5:1) on its backgrounds", "[gui][contrast][theme]") {
    const std::string theme(GENERATE(from_range(gui::theme_keys())));
    CAPTURE(theme);
    ImGuiStyle style;
    const gui::Palette p = gui::make_theme(theme, style).palette;
    const ImVec4* c = style.Colors;
    auto u32 = [&](ImGuiCol col) { return ImGui::ColorConvertFloat4ToU32(c[col]); };
    const ImU32 window = p.window_background;
    auto on_window = [&](ImU32 colour) { return gui::composite(colour, window); };
    struct Pair {
        std::string what;
        ImU32 text, background;
    };
    std::vector<Pair> pairs;
    // ImGui's widgets: the text colours on every fill they sit on.
    const std::pair<const char*, ImGuiCol> fills[] = {
        {"window", ImGuiCol_WindowBg},          {"popup", ImGuiCol_PopupBg},
        {"menu bar", ImGuiCol_MenuBarBg},       {"frame", ImGuiCol_FrameBg},
        {"frame hovered", ImGuiCol_FrameBgHovered}, {"frame active", ImGuiCol_FrameBgActive},
        {"button", ImGuiCol_Button},            {"button hovered", ImGuiCol_ButtonHovered},
        {"button pressed", ImGuiCol_ButtonActive}, {"header", ImGuiCol_Header},
        {"header hovered", ImGuiCol_HeaderHovered}, {"header pressed", ImGuiCol_HeaderActive},
        {"tab", ImGuiCol_Tab},                  {"tab in front", ImGuiCol_TabActive},
        {"tab hovered", ImGuiCol_TabHovered},   {"table header", ImGuiCol_TableHeaderBg},
        {"table row", ImGuiCol_TableRowBg},     {"table other row", ImGuiCol_TableRowBgAlt},
    };
    for (const auto& [name, fill] : fills) {
        pairs.push_back({std::string("text on ") + name, u32(ImGuiCol_Text), on_window(u32(fill))});
        // A disabled widget is never hovered or pressed.
        const std::string n = name;
        if (n.find("hovered") == std::string::npos && n.find("active") == std::string::npos &&
            n.find("pressed") == std::string::npos && n.find("in front") == std::string::npos)
            pairs.push_back({"disabled text on " + n, u32(ImGuiCol_TextDisabled), on_window(u32(fill))});
    }
    // strata's own colours, on what they are drawn on.
    const ImU32 current_row = on_window(p.current_row);
    // The timeline's rows alternate: the current step's tint over the other row's fill too.
    const ImU32 current_other_row = gui::composite(p.current_row, on_window(u32(ImGuiCol_TableRowBgAlt)));
    pairs.insert(pairs.end(), {
        {"node text", p.node_text, p.node_fill},
        {"lit node text", p.node_lit_text, p.node_lit},
        {"counter", p.counter_text, p.counter_fill},
        {"band title", p.band_title, p.band_fill[0]},
        {"muted text", p.muted_text, window},
        {"muted text on code", p.muted_text, p.code_background},
        {"text on code", u32(ImGuiCol_Text), p.code_background},
        {"link", p.link, window},
        {"failed call", p.failed, window},
        {"failed call in the current step's row", p.failed, current_row},
        {"text in the current step's row", u32(ImGuiCol_Text), current_row},
        {"failed call in the current step's other row", p.failed, current_other_row},
        {"text in the current step's other row", u32(ImGuiCol_Text), current_other_row},
        {"verdict passed", p.path_vm_entry, window},
        {"changed register", p.changed_value, window},
        {"replay label", p.replay, window},
        {"replay banner", p.replay_text, p.replay_fill},
        {"demo error panel", gui::text_colour_on(p.failed), p.failed},
    });
    for (const auto& pair : pairs) {
        CAPTURE(pair.what, gui::contrast_ratio(pair.text, pair.background));
        CHECK(gui::contrast_ratio(pair.text, pair.background) >= 4.5);
    }
}
