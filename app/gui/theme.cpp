#include "app/gui/theme.hpp"

#include <algorithm>
#include <array>

namespace strata::gui {

namespace {

constexpr std::array<std::string_view, 3> kKeys = {"dark", "light", "high-contrast"};

Palette dark_palette() {
    Palette p{};
    p.band_fill[0] = IM_COL32(52, 40, 70, 255);
    p.band_fill[1] = IM_COL32(34, 52, 70, 255);
    p.band_fill[2] = IM_COL32(40, 58, 46, 255);
    p.band_fill[3] = IM_COL32(62, 52, 38, 255);
    p.band_title = IM_COL32(200, 200, 210, 255);
    p.node_fill = IM_COL32(44, 46, 54, 255);
    p.node_lit = IM_COL32(255, 196, 0, 255);
    p.node_border = IM_COL32(110, 112, 125, 255);
    p.node_lit_border = IM_COL32(255, 240, 180, 255);
    p.node_text = IM_COL32(215, 215, 222, 255);
    p.node_lit_text = IM_COL32(20, 20, 20, 255);
    p.node_filtered = IM_COL32(90, 200, 255, 255);
    p.counter_fill = IM_COL32(20, 20, 26, 230);
    p.counter_text = IM_COL32(240, 240, 240, 255);
    p.path_syscall = IM_COL32(80, 170, 255, 255);
    p.path_vm_entry = IM_COL32(90, 230, 120, 255);
    p.path_vm_exit = IM_COL32(255, 140, 60, 255);
    p.path_kept_in_kvm = IM_COL32(240, 220, 90, 255);
    p.path_other = IM_COL32(200, 150, 255, 255);
    p.failed = IM_COL32(255, 150, 150, 255);
    p.current_row = IM_COL32(255, 196, 0, 50);
    p.link = IM_COL32(110, 180, 255, 255);
    p.code_background = IM_COL32(30, 32, 38, 255);
    p.muted_text = IM_COL32(150, 150, 160, 255);
    p.changed_value = IM_COL32(255, 196, 0, 255);
    p.window_background = IM_COL32(24, 25, 30, 255);
    p.replay = IM_COL32(190, 150, 255, 255);
    p.replay_fill = IM_COL32(96, 52, 140, 255);
    p.replay_text = IM_COL32(255, 255, 255, 255);
    // One colour per stratum: the diagram's band chips and node bars and
    // the timeline's layer chips.
    p.stratum_accent[0] = IM_COL32(170, 110, 230, 255);
    p.stratum_accent[1] = IM_COL32(70, 150, 230, 255);
    p.stratum_accent[2] = IM_COL32(70, 180, 100, 255);
    p.stratum_accent[3] = IM_COL32(210, 150, 60, 255);
    return p;
}

Palette light_palette() {
    Palette p{};
    p.band_fill[0] = IM_COL32(232, 222, 245, 255);
    p.band_fill[1] = IM_COL32(220, 234, 248, 255);
    p.band_fill[2] = IM_COL32(222, 242, 226, 255);
    p.band_fill[3] = IM_COL32(245, 234, 215, 255);
    p.band_title = IM_COL32(60, 60, 70, 255);
    p.node_fill = IM_COL32(252, 252, 252, 255);
    p.node_lit = IM_COL32(255, 176, 0, 255);
    p.node_border = IM_COL32(150, 150, 160, 255);
    p.node_lit_border = IM_COL32(150, 90, 0, 255);
    p.node_text = IM_COL32(30, 30, 35, 255);
    p.node_lit_text = IM_COL32(10, 10, 10, 255);
    p.node_filtered = IM_COL32(0, 110, 220, 255);
    p.counter_fill = IM_COL32(40, 40, 48, 230);
    p.counter_text = IM_COL32(255, 255, 255, 255);
    p.path_syscall = IM_COL32(0, 100, 220, 255);
    p.path_vm_entry = IM_COL32(0, 120, 48, 255);
    p.path_vm_exit = IM_COL32(220, 100, 0, 255);
    p.path_kept_in_kvm = IM_COL32(150, 120, 0, 255);
    p.path_other = IM_COL32(130, 60, 200, 255);
    p.failed = IM_COL32(185, 20, 20, 255);
    p.current_row = IM_COL32(255, 176, 0, 60);
    p.link = IM_COL32(0, 90, 200, 255);
    p.code_background = IM_COL32(235, 236, 240, 255);
    p.muted_text = IM_COL32(100, 100, 110, 255);
    p.changed_value = IM_COL32(168, 70, 0, 255);
    p.window_background = IM_COL32(240, 240, 242, 255);
    p.replay = IM_COL32(110, 50, 170, 255);
    p.replay_fill = IM_COL32(110, 50, 170, 255);
    p.replay_text = IM_COL32(255, 255, 255, 255);
    p.stratum_accent[0] = IM_COL32(120, 60, 190, 255);
    p.stratum_accent[1] = IM_COL32(20, 100, 200, 255);
    p.stratum_accent[2] = IM_COL32(20, 130, 60, 255);
    p.stratum_accent[3] = IM_COL32(170, 100, 0, 255);
    return p;
}

// For projectors and low vision: black and white, saturated accents, no
// meaning carried by a subtle shade.
Palette high_contrast_palette() {
    Palette p{};
    for (auto& band : p.band_fill) band = IM_COL32(0, 0, 0, 255);
    p.band_title = IM_COL32(255, 255, 255, 255);
    p.node_fill = IM_COL32(0, 0, 0, 255);
    p.node_lit = IM_COL32(255, 255, 0, 255);
    p.node_border = IM_COL32(255, 255, 255, 255);
    p.node_lit_border = IM_COL32(255, 255, 255, 255);
    p.node_text = IM_COL32(255, 255, 255, 255);
    p.node_lit_text = IM_COL32(0, 0, 0, 255);
    p.node_filtered = IM_COL32(0, 255, 255, 255);
    p.counter_fill = IM_COL32(255, 255, 255, 255);
    p.counter_text = IM_COL32(0, 0, 0, 255);
    p.path_syscall = IM_COL32(0, 255, 255, 255);
    p.path_vm_entry = IM_COL32(0, 255, 0, 255);
    p.path_vm_exit = IM_COL32(255, 128, 0, 255);
    p.path_kept_in_kvm = IM_COL32(255, 255, 0, 255);
    p.path_other = IM_COL32(255, 0, 255, 255);
    // Red text must read on black and on the current step's row: a dark
    // blue row (not a yellow tint, which red does not read on) and a red
    // light enough for both, at 4.5:1 or better (contrast_test).
    p.failed = IM_COL32(255, 60, 60, 255);
    p.current_row = IM_COL32(0, 0, 120, 255);
    p.link = IM_COL32(0, 255, 255, 255);
    p.code_background = IM_COL32(20, 20, 20, 255);
    p.muted_text = IM_COL32(220, 220, 220, 255);
    p.changed_value = IM_COL32(255, 255, 0, 255);
    p.window_background = IM_COL32(0, 0, 0, 255);
    p.replay = IM_COL32(255, 0, 255, 255);
    p.replay_fill = IM_COL32(255, 0, 255, 255);
    p.replay_text = IM_COL32(0, 0, 0, 255);
    p.stratum_accent[0] = IM_COL32(200, 130, 255, 255);
    p.stratum_accent[1] = IM_COL32(0, 200, 255, 255);
    p.stratum_accent[2] = IM_COL32(0, 230, 100, 255);
    p.stratum_accent[3] = IM_COL32(255, 170, 0, 255);
    return p;
}

void high_contrast_style(ImGuiStyle& style) {
    ImGui::StyleColorsDark(&style);
    ImVec4* c = style.Colors;
    const ImVec4 black(0, 0, 0, 1), white(1, 1, 1, 1), yellow(1, 1, 0, 1), grey(0.25f, 0.25f, 0.25f, 1);
    c[ImGuiCol_Text] = white;
    c[ImGuiCol_TextDisabled] = ImVec4(0.8f, 0.8f, 0.8f, 1);
    c[ImGuiCol_WindowBg] = c[ImGuiCol_ChildBg] = c[ImGuiCol_PopupBg] = black;
    c[ImGuiCol_Border] = white;
    c[ImGuiCol_FrameBg] = grey;
    c[ImGuiCol_FrameBgHovered] = c[ImGuiCol_FrameBgActive] = ImVec4(0.4f, 0.4f, 0.0f, 1);
    c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgActive] = c[ImGuiCol_MenuBarBg] = black;
    c[ImGuiCol_Button] = ImVec4(0.15f, 0.15f, 0.15f, 1);
    // White text stays at 4.5:1 or better on every hovered, pressed and
    // selected fill: dark olive, never the bright yellow of the marks.
    c[ImGuiCol_ButtonHovered] = c[ImGuiCol_HeaderHovered] = ImVec4(0.4f, 0.4f, 0.0f, 1);
    c[ImGuiCol_ButtonActive] = c[ImGuiCol_HeaderActive] = ImVec4(0.45f, 0.45f, 0.0f, 1);
    c[ImGuiCol_Header] = ImVec4(0.3f, 0.3f, 0.0f, 1);
    c[ImGuiCol_CheckMark] = c[ImGuiCol_SliderGrab] = c[ImGuiCol_SliderGrabActive] = yellow;
    c[ImGuiCol_Tab] = grey;
    c[ImGuiCol_TabActive] = c[ImGuiCol_TabHovered] = ImVec4(0.4f, 0.4f, 0.0f, 1);
    c[ImGuiCol_TableHeaderBg] = grey;
    c[ImGuiCol_TableRowBg] = black;
    c[ImGuiCol_TableRowBgAlt] = ImVec4(0.1f, 0.1f, 0.1f, 1);
    style.FrameBorderSize = 1.0f;
    style.WindowBorderSize = 2.0f;
}

// ImGui's own dark and light colours, changed where text on them read
// below 4.5:1 (WCAG AA): white on a hovered button, grey "disabled" text
// (which strata also uses for hints and counts) on fills. contrast_test
// holds every theme to it.
void dark_style(ImGuiStyle& style) {
    ImVec4* c = style.Colors;
    c[ImGuiCol_TextDisabled] = ImVec4(0.70f, 0.70f, 0.73f, 1);
    c[ImGuiCol_Button] = ImVec4(0.20f, 0.36f, 0.58f, 0.55f);
    c[ImGuiCol_ButtonHovered] = c[ImGuiCol_HeaderHovered] = c[ImGuiCol_TabHovered] = ImVec4(0.17f, 0.38f, 0.66f, 1);
    c[ImGuiCol_ButtonActive] = c[ImGuiCol_HeaderActive] = ImVec4(0.13f, 0.30f, 0.54f, 1);
    c[ImGuiCol_Header] = ImVec4(0.20f, 0.36f, 0.58f, 0.45f);
    c[ImGuiCol_Tab] = ImVec4(0.14f, 0.24f, 0.38f, 1);
    c[ImGuiCol_TabActive] = ImVec4(0.15f, 0.33f, 0.57f, 1);
}

void light_style(ImGuiStyle& style) {
    ImVec4* c = style.Colors;
    c[ImGuiCol_TextDisabled] = ImVec4(0.33f, 0.33f, 0.36f, 1);
    c[ImGuiCol_Button] = ImVec4(0.26f, 0.59f, 0.98f, 0.25f);
    c[ImGuiCol_Header] = ImVec4(0.26f, 0.59f, 0.98f, 0.22f);
    c[ImGuiCol_Tab] = ImVec4(0.80f, 0.86f, 0.94f, 1);
}

// The panels keep the diagram's spacing unit (kSpacing): every padding
// and gap is a whole multiple of it, or half of one between table rows.
// ImGui's own were 3 px around a button's text, 21 px of indent and a
// 14 px scrollbar.
void apply_spacing(ImGuiStyle& style) {
    constexpr float u = kSpacing;
    style.WindowPadding = ImVec2(2 * u, 2 * u);
    style.FramePadding = ImVec2(u, u);
    style.CellPadding = ImVec2(u, u / 2);
    style.ItemSpacing = ImVec2(2 * u, u);
    style.ItemInnerSpacing = ImVec2(u, u);
    style.IndentSpacing = 5 * u;
    style.ScrollbarSize = 4 * u;
    style.GrabMinSize = 3 * u;
}

// `top` (with its alpha) drawn over opaque `bottom`, in 8 bits per channel
// as Mesa's llvmpipe blends (each product rounded on its own), so panels
// without a background look exactly as they did there; a GPU's blend may
// differ by one level, which no one can see.
ImU32 blend_over(ImU32 top, ImU32 bottom) {
    auto times = [](unsigned x, unsigned a) {  // round(x * a / 255)
        const unsigned t = x * a + 128;
        return (t + (t >> 8)) >> 8;
    };
    const unsigned alpha = (top >> IM_COL32_A_SHIFT) & 0xff;
    ImU32 out = IM_COL32_A_MASK;
    for (int shift : {IM_COL32_R_SHIFT, IM_COL32_G_SHIFT, IM_COL32_B_SHIFT}) {
        const unsigned t = (top >> shift) & 0xff, b = (bottom >> shift) & 0xff;
        out |= std::min(255u, times(t, alpha) + times(b, 255 - alpha)) << shift;
    }
    return out;
}

}  // namespace

std::span<const std::string_view> theme_keys() { return kKeys; }

Theme make_theme(std::string_view key, ImGuiStyle& style) {
    Theme theme;
    if (key == "light") {
        ImGui::StyleColorsLight(&style);
        light_style(style);
        theme = {"light", light_palette()};
    } else if (key == "high-contrast") {
        high_contrast_style(style);
        theme = {"high-contrast", high_contrast_palette()};
    } else {
        ImGui::StyleColorsDark(&style);
        dark_style(style);
        style.FrameBorderSize = 0.0f;
        style.WindowBorderSize = 1.0f;
        theme = {"dark", dark_palette()};
    }
    style.WindowRounding = 0.0f;
    style.FrameRounding = 3.0f;
    apply_spacing(style);
    // The panels skip their background (app_shell), so the clear colour is
    // what their background looked like blended over the old clear colour.
    theme.palette.window_background =
        blend_over(ImGui::ColorConvertFloat4ToU32(style.Colors[ImGuiCol_WindowBg]), theme.palette.window_background);
    return theme;
}

ImU32 path_colour(const Palette& p, const engine::TraceEvent& event) {
    if (event.failed()) return p.failed;
    switch (event.kind) {
        case engine::EventKind::syscall:
        case engine::EventKind::ioctl: return p.path_syscall;
        case engine::EventKind::vm_entry: return p.path_vm_entry;
        case engine::EventKind::vm_exit: return p.path_vm_exit;
        case engine::EventKind::exits_in_kvm: return p.path_kept_in_kvm;
        default: return p.path_other;
    }
}

TypeScale type_scale(float font_size) { return {font_size * 1.1f, font_size, font_size * 0.85f}; }

ImU32 layer_colour(const Palette& p, engine::LayerId layer) {
    // Layers of one stratum share its colour, so the chips echo the bands.
    return p.stratum_accent[static_cast<int>(engine::layer_info(layer).stratum)];
}

}  // namespace strata::gui
