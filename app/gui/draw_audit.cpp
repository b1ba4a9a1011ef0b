#include "app/gui/draw_audit.hpp"

#include <algorithm>
#include <cmath>

#include <imgui_internal.h>

#include "app/gui/contrast.hpp"

namespace strata::gui {

namespace {

constexpr float kSlack = 0.5f;


struct Fill {
    ImVec2 a, b, c;
    ImVec4 clip;
    ImU32 colour;
    std::size_t order;
};

bool same_uv(ImVec2 a, ImVec2 b) { return std::abs(a.x - b.x) < 1e-6f && std::abs(a.y - b.y) < 1e-6f; }

float side(ImVec2 p, ImVec2 a, ImVec2 b) { return (p.x - b.x) * (a.y - b.y) - (a.x - b.x) * (p.y - b.y); }

bool in_triangle(ImVec2 p, const Fill& t) {
    const float d1 = side(p, t.a, t.b), d2 = side(p, t.b, t.c), d3 = side(p, t.c, t.a);
    const bool negative = d1 < 0 || d2 < 0 || d3 < 0, positive = d1 > 0 || d2 > 0 || d3 > 0;
    return !(negative && positive);
}

bool in_clip(ImVec2 p, const ImVec4& clip) { return p.x >= clip.x && p.x < clip.z && p.y >= clip.y && p.y < clip.w; }

// Whether the window that drew `list` scrolls up and down where a reader
// can see it does: its content is taller than it and it shows a scrollbar
// (ImGui keeps one draw list per window). A window without one — demo
// mode's panels — only hides what runs past its bottom.
bool scrolls_vertically(const ImDrawList* list) {
    if (const ImGuiContext* g = ImGui::GetCurrentContext())
        for (const ImGuiWindow* w : g->Windows)
            if (w->DrawList == list) return w->ScrollMax.y > 0 && w->ScrollbarY;
    return false;
}

// `over` (with its alpha) on an opaque `under`.
ImU32 blend(ImU32 over, ImU32 under) {
    const unsigned a = (over >> IM_COL32_A_SHIFT) & 0xff;
    auto mix = [&](int shift) {
        const unsigned o = (over >> shift) & 0xff, u = (under >> shift) & 0xff;
        return ((o * a + u * (255 - a)) / 255) << shift;
    };
    return mix(IM_COL32_R_SHIFT) | mix(IM_COL32_G_SHIFT) | mix(IM_COL32_B_SHIFT) | IM_COL32_A_MASK;
}

}  // namespace

std::vector<TextLine> text_lines(const ImDrawData& data, ImTextureID font_texture, ImU32 clear_colour, float font_size) {
    std::vector<TextLine> lines;
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    for (int l = 0; l < data.CmdListsCount; ++l) {
        const ImDrawList* list = data.CmdLists[l];
        const bool scrolls = scrolls_vertically(list);
        std::vector<Fill> fills;
        std::vector<std::size_t> line_order;  // when each line of this list was drawn
        const std::size_t first_line = lines.size();
        std::size_t order = 0;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback || cmd.ElemCount == 0) continue;
            const bool font = cmd.GetTexID() == font_texture;
            const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
            const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
            bool in_line = false;
            for (unsigned k = 0; k + 3 <= cmd.ElemCount;) {
                const ImDrawVert& v0 = vtx[idx[k]];
                // ImGui draws a glyph (and a plain rectangle) as two triangles
                // on four vertices: i, i+1, i+2, i, i+2, i+3.
                const bool quad = k + 6 <= cmd.ElemCount && idx[k + 1] == idx[k] + 1 && idx[k + 2] == idx[k] + 2 &&
                                  idx[k + 3] == idx[k] && idx[k + 4] == idx[k] + 2 && idx[k + 5] == idx[k] + 3;
                if (font && quad) {
                    const ImDrawVert& v2 = vtx[idx[k + 2]];
                    const bool glyph = !same_uv(v0.uv, white) && std::abs(v0.uv.x - v2.uv.x) > 1e-6f &&
                                       std::abs(v0.uv.y - v2.uv.y) > 1e-6f && v0.pos.x < v2.pos.x && v0.pos.y < v2.pos.y;
                    if (glyph) {
                        TextLine* line = in_line ? &lines.back() : nullptr;
                        // A glyph continues the line when it sits on the same row,
                        // follows it closer than an em (a space is a third of one)
                        // and has its colour.
                        if (line) {
                            const float height = line->max.y - line->min.y;
                            const float shared = std::min(line->max.y, v2.pos.y) - std::max(line->min.y, v0.pos.y);
                            const bool same_row = shared > 0.3f * std::min(height, v2.pos.y - v0.pos.y);
                            const bool close = v0.pos.x >= line->max.x - font_size * 0.5f && v0.pos.x - line->max.x < font_size;
                            if (!same_row || !close || line->colour != v0.col) line = nullptr;
                        }
                        if (line) {
                            line->min = ImVec2(std::min(line->min.x, v0.pos.x), std::min(line->min.y, v0.pos.y));
                            line->max = ImVec2(std::max(line->max.x, v2.pos.x), std::max(line->max.y, v2.pos.y));
                        } else {
                            lines.push_back({v0.pos, v2.pos, cmd.ClipRect, v0.col, 0, l, scrolls});
                            line_order.push_back(order);
                            in_line = true;
                        }
                        k += 6;
                        ++order;
                        continue;
                    }
                }
                in_line = false;
                const ImDrawVert& v1 = vtx[idx[k + 1]];
                const ImDrawVert& v2 = vtx[idx[k + 2]];
                // Solid fills only: anti-aliasing fringes fade to transparent.
                if (same_uv(v0.uv, white) && v0.col == v1.col && v1.col == v2.col && (v0.col & IM_COL32_A_MASK) != 0)
                    fills.push_back({v0.pos, v1.pos, v2.pos, cmd.ClipRect, v0.col, order});
                k += 3;
                ++order;
            }
        }
        // What is under each line's middle: the fills drawn before it there.
        for (std::size_t i = first_line; i < lines.size(); ++i) {
            TextLine& line = lines[i];
            const ImVec2 mid((line.min.x + line.max.x) / 2, (line.min.y + line.max.y) / 2);
            ImU32 under = clear_colour | IM_COL32_A_MASK;
            for (const Fill& f : fills) {
                if (f.order > line_order[i - first_line]) break;
                if (in_clip(mid, f.clip) && in_triangle(mid, f)) under = blend(f.colour, under);
            }
            line.background = under;
        }
    }
    return lines;
}

DrawAudit audit_text(const std::vector<TextLine>& lines) {
    DrawAudit audit;
    auto visible = [](const TextLine& t) {
        return ImVec4(std::max(t.min.x, t.clip.x), std::max(t.min.y, t.clip.y), std::min(t.max.x, t.clip.z),
                      std::min(t.max.y, t.clip.w));
    };
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const TextLine& t = lines[i];
        const ImVec4 v = visible(t);
        if (v.z <= v.x || v.w <= v.y) continue;  // wholly clipped: not drawn
        ++audit.lines;
        if (t.min.x < t.clip.x - kSlack || t.max.x > t.clip.z + kSlack) {
            ++audit.clipped_sideways;
            audit.findings.push_back("a line of text at (" + std::to_string(static_cast<int>(t.min.x)) + ", " +
                                     std::to_string(static_cast<int>(t.min.y)) + ") to x " +
                                     std::to_string(static_cast<int>(t.max.x)) + " is cut at the side (its area: x " +
                                     std::to_string(static_cast<int>(t.clip.x)) + " to " +
                                     std::to_string(static_cast<int>(t.clip.z)) + ")");
        }
        if (t.min.y < t.clip.y - kSlack || t.max.y > t.clip.w + kSlack) {
            if (t.scrolls) {
                ++audit.scrolled_out;
            } else {
                ++audit.clipped_vertically;
                audit.findings.push_back("a line of text at (" + std::to_string(static_cast<int>(t.min.x)) + ", " +
                                         std::to_string(static_cast<int>(t.min.y)) + ") is cut at the top or bottom");
            }
        }
        const double contrast = contrast_ratio(blend(t.colour, t.background), t.background);
        audit.lowest_contrast = std::min(audit.lowest_contrast, contrast);
        if (contrast < kReadableContrast)
            audit.findings.push_back("a line of text at (" + std::to_string(static_cast<int>(t.min.x)) + ", " +
                                     std::to_string(static_cast<int>(t.min.y)) + ") has contrast " +
                                     std::to_string(contrast).substr(0, 4) + ":1, under 4.5:1");
        for (std::size_t j = i + 1; j < lines.size(); ++j) {
            const TextLine& u = lines[j];
            if (u.list != t.list) continue;
            const ImVec4 w = visible(u);
            const float ix = std::min(v.z, w.z) - std::max(v.x, w.x), iy = std::min(v.w, w.w) - std::max(v.y, w.y);
            if (ix <= 0 || iy <= 0) continue;
            const float smaller = std::min((v.z - v.x) * (v.w - v.y), (w.z - w.x) * (w.w - w.y));
            if (ix * iy > 0.25f * smaller) {
                ++audit.overlapping;
                audit.findings.push_back("two lines of text overlap at (" + std::to_string(static_cast<int>(v.x)) + ", " +
                                         std::to_string(static_cast<int>(v.y)) + ")");
            }
        }
    }
    return audit;
}

}  // namespace strata::gui
