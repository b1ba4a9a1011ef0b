#include "app/gui/fonts.hpp"

#include <algorithm>
#include <cstdlib>

namespace strata::gui {

namespace {

// Latin-1 plus the symbols the UI draws: arrows for layer paths, × ✓ ✗ ●
// ○ ▶ for states, µ for durations, typographic quotes and dashes.
const ImWchar* glyph_ranges() {
    static const ImWchar ranges[] = {
        0x0020, 0x00FF,  // Basic Latin + Latin-1 (µ, ×)
        0x2010, 0x205E,  // punctuation: – — ‘ ’ “ ” …
        0x2190, 0x21FF,  // arrows
        0x2500, 0x25FF,  // box drawing, geometric shapes ● ○ ▶ ■
        0x2713, 0x2717,  // ✓ ✗
        0,
    };
    return ranges;
}

ImFont* add(ImGuiIO& io, const std::filesystem::path& file, float size) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return nullptr;
    ImFontConfig config;
    // Horizontal oversampling sharpens small text; from about 26 px (demo
    // mode's projector sizes) glyphs are wide enough without it, and it
    // would double an atlas that is already 2048 pixels wide.
    config.OversampleH = size >= 26.0f ? 1 : 2;
    config.OversampleV = 1;
    return io.Fonts->AddFontFromFileTTF(file.c_str(), size, &config, glyph_ranges());
}

}  // namespace

std::filesystem::path font_dir() {
    if (const char* dir = std::getenv("STRATA_FONT_DIR"); dir && *dir) return dir;
    return "/usr/share/fonts/truetype/dejavu";
}

float font_pixels(float dpi_scale, float user_scale) {
    if (!(dpi_scale > 0)) dpi_scale = 1;
    if (!(user_scale > 0)) user_scale = 1;
    return std::clamp(kBaseFontPixels * dpi_scale * user_scale, kMinFontPixels, kMaxFontPixels);
}

FontSet load_fonts(ImGuiIO& io, float pixel_size, const std::filesystem::path& dir) {
    io.Fonts->Clear();
    FontSet set;
    set.pixel_size = pixel_size;
    set.regular = add(io, dir / "DejaVuSans.ttf", pixel_size);
    if (!set.regular) {
        // Still usable: ImGui's built-in ProggyClean, at its native size
        // scaled by FontGlobalScale-free means (bigger sizes stay blurry).
        ImFontConfig config;
        config.SizePixels = std::max(13.0f, pixel_size);
        set.regular = io.Fonts->AddFontDefault(&config);
        set.problem = "DejaVu Sans not found in " + dir.string() +
                      ": using ImGui's built-in font (install fonts-dejavu-core)";
        set.bold = set.italic = set.mono = set.heading = set.caption = set.regular;
        return set;
    }
    set.bold = add(io, dir / "DejaVuSans-Bold.ttf", pixel_size);
    set.italic = add(io, dir / "DejaVuSans-Oblique.ttf", pixel_size);
    set.mono = add(io, dir / "DejaVuSansMono.ttf", pixel_size);
    set.heading = add(io, dir / "DejaVuSans-Bold.ttf", pixel_size * kHeadingScale);
    set.caption = add(io, dir / "DejaVuSans.ttf", std::max(kMinFontPixels, pixel_size * kCaptionScale));
    for (ImFont** f : {&set.bold, &set.italic, &set.mono, &set.heading, &set.caption})
        if (!*f) *f = set.regular;
    return set;
}

}  // namespace strata::gui
