// The normal window's panels and the splitters between them: navigator on
// the left, diagram over timeline in the centre, narrative over inspectors
// on the right. The user drags a splitter to resize; the shares are saved
// with the settings. A pure layout function plus one drag handler, so
// tests can check sizes and drags without a window.
#pragma once

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

namespace strata::gui {

// Shares of the window, clamped to sensible ranges when used.
struct PanelSplits {
    float navigator = 0.19f;   // of the width
    float right = 0.31f;       // of the width (narrative and inspectors)
    float diagram = 0.58f;     // of the centre column's height
    float narrative = 0.60f;   // of the right column's height

    PanelSplits clamped() const;
};

struct PanelLayout {
    ImRect navigator, diagram, timeline, narrative, inspectors;
    // The draggable strips on the borders between panels.
    ImRect split_navigator, split_right, split_diagram, split_narrative;
};

// `top` is where the panels start (below the menu bar). At tiny sizes the
// panels squeeze, never to negative sizes. With `em` (the font size), a
// narrow window gives the side columns at least a readable width (the
// right one kMinRightEms, the navigator kMinNavigatorEms) before their
// shares, taken from the diagram's column, which scales its drawing.
constexpr float kMinRightEms = 14.0f;
constexpr float kMinNavigatorEms = 8.0f;
PanelLayout panel_layout(ImVec2 display, float top, const PanelSplits& splits, float em = 0);

// Draws the four splitters over the panels' borders (call after the
// panels, so they sit on top) and moves `splits` while one is dragged.
// Returns true when a drag ended (time to save).
bool panel_splitters(ImVec2 display, float top, PanelSplits& splits, float em = 0);

}  // namespace strata::gui
