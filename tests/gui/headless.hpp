// A bare ImGui context with no window and no GL (GUI-STACK.md): set the
// display size, build the font atlas, then NewFrame/draw/Render and look at
// ImDrawData, or feed mouse and keys through io.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <imgui.h>

namespace strata::tests {

class HeadlessImGui {
public:
    explicit HeadlessImGui(float width = 1280, float height = 800);
    ~HeadlessImGui();
    HeadlessImGui(const HeadlessImGui&) = delete;
    HeadlessImGui& operator=(const HeadlessImGui&) = delete;

    // Builds the font atlas again, after a shell (re)loaded its fonts.
    static void build_font_atlas();

    // One frame with `body` drawn inside a full-screen window.
    void frame(const std::function<void()>& body);
    // One frame where `body` places its own windows.
    void raw_frame(const std::function<void()>& body);

    // True when some vertex inside [min, max] has colour `colour`.
    static bool drew_colour_in(ImVec2 min, ImVec2 max, ImU32 colour);
    // True when any vertex of the last frame has colour `colour`.
    static bool drew_colour(ImU32 colour);

    // Windows of the last frame (by name) that drew a glyph reaching past
    // the left or right edge of its clip rect: text cut off, as a reader
    // sees it. Lines below a scrolling window's edge, and windows that
    // scroll sideways, do not count (they scroll into view); `skip` names
    // windows (and their children) to leave out. ImGui skips glyphs wholly
    // outside the clip rect, so this sees the glyph cut in two at the edge.
    static std::vector<std::string> text_cut_sideways(const std::vector<std::string>& skip = {});
};

}  // namespace strata::tests
