// The UI's fonts: DejaVu from Debian (fonts-dejavu-core) in the styles the
// narrative needs, at a pixel size from the display's DPI and the user's
// Ctrl +/- scale. When the files are missing, ImGui's built-in font stands
// in for all of them and `problem` says so.
#pragma once

#include <filesystem>
#include <string>

#include <imgui.h>

namespace strata::gui {

struct FontSet {
    ImFont* regular = nullptr;
    ImFont* bold = nullptr;
    ImFont* italic = nullptr;
    ImFont* mono = nullptr;
    ImFont* heading = nullptr;  // kHeadingScale x the body size, bold
    ImFont* caption = nullptr;  // kCaptionScale x the body size: status lines
    float pixel_size = 0;       // the body text's
    std::string problem;  // empty when DejaVu loaded

    // Any style missing falls back to regular, so views never get null.
    ImFont* or_regular(ImFont* font) const { return font ? font : regular; }
};

// $STRATA_FONT_DIR, else /usr/share/fonts/truetype/dejavu.
std::filesystem::path font_dir();
constexpr float kBaseFontPixels = 17.0f;
// The type scale: headings (and demo mode's step title) and captions
// against the body text.
constexpr float kHeadingScale = 1.3f;
constexpr float kCaptionScale = 0.8f;
constexpr float kMinFontPixels = 9.0f;
constexpr float kMaxFontPixels = 72.0f;
// base * dpi_scale * user_scale, clamped to a size that renders and fits.
float font_pixels(float dpi_scale, float user_scale);

// Clears io.Fonts and loads the set; the caller then builds the atlas (or
// asks the renderer to upload it again).
FontSet load_fonts(ImGuiIO& io, float pixel_size, const std::filesystem::path& dir = font_dir());

}  // namespace strata::gui
