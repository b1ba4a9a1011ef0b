// Text problems of a whole window, measured from what ImGui drew: its
// draw data. Each glyph is a textured quad; glyphs of one line of one
// item follow each other in a draw command, so lines of text can be
// rebuilt with their clip rectangles, colours and what was drawn under
// them. No view has to report anything.
#pragma once

#include <string>
#include <vector>

#include <imgui.h>

namespace strata::gui {

// WCAG 2 AA for normal-size text.
constexpr double kReadableContrast = 4.5;

struct TextLine {
    ImVec2 min, max;     // the glyphs' extent
    ImVec4 clip;         // the draw command's clip rectangle (x1, y1, x2, y2)
    ImU32 colour = 0;
    ImU32 background = 0;  // the fills under its middle, blended over the clear colour
    int list = 0;          // which draw list (window) drew it
    bool scrolls = false;  // that window scrolls up and down: a line cut at its top
                           // or bottom edge is scrolled, not squeezed
};

struct DrawAudit {
    int lines = 0;
    int clipped_sideways = 0;     // lines cut at the left or right of their clip rectangle
    int clipped_vertically = 0;   // lines cut at the top or bottom of a window that cannot scroll
    int scrolled_out = 0;         // lines half scrolled out of a window that scrolls
    int overlapping = 0;          // pairs of lines of one window drawn over each other
    double lowest_contrast = 21;  // WCAG ratio of the weakest line
    std::vector<std::string> findings;
};

// The lines of text in `data`, drawn with `font_texture` (the font atlas)
// at about `font_size` pixels.
std::vector<TextLine> text_lines(const ImDrawData& data, ImTextureID font_texture, ImU32 clear_colour, float font_size);
DrawAudit audit_text(const std::vector<TextLine>& lines);

}  // namespace strata::gui
