#include "app/gui/panel_splits.hpp"

#include <algorithm>

namespace strata::gui {

namespace {

constexpr float kGrip = 6.0f;  // pixels either side of a border that start a drag

float clampf(float v, float lo, float hi) { return std::max(lo, std::min(v, hi)); }

}  // namespace

PanelSplits PanelSplits::clamped() const {
    PanelSplits s;
    s.navigator = clampf(navigator, 0.08f, 0.40f);
    s.right = clampf(right, 0.15f, 0.55f);
    s.diagram = clampf(diagram, 0.20f, 0.85f);
    s.narrative = clampf(narrative, 0.20f, 0.85f);
    return s;
}

PanelLayout panel_layout(ImVec2 display, float top, const PanelSplits& raw, float em) {
    const PanelSplits s = raw.clamped();
    const float w = std::max(display.x, 3.0f);
    const float h = std::max(display.y - top, 2.0f);
    // Side columns at least their minimum widths where the window allows
    // (at most 55% and 25% of it); the centre column keeps at least a fifth.
    const float right_w = std::max(1.0f, std::max(w * s.right, std::min(em * kMinRightEms, w * 0.55f)));
    const float nav_w = std::max(w * s.navigator, std::min(em * kMinNavigatorEms, w * 0.25f));
    const float left_w = std::max(1.0f, std::min(nav_w, w * 0.8f - right_w));
    const float centre_x = left_w, right_x = std::max(centre_x + 1, w - right_w);
    const float diagram_h = std::max(1.0f, h * s.diagram);
    const float narrative_h = std::max(1.0f, h * s.narrative);
    PanelLayout l;
    l.navigator = ImRect(0, top, left_w, top + h);
    l.diagram = ImRect(centre_x, top, right_x, top + diagram_h);
    l.timeline = ImRect(centre_x, top + diagram_h, right_x, std::max(top + diagram_h + 1, top + h));
    l.narrative = ImRect(right_x, top, w, top + narrative_h);
    l.inspectors = ImRect(right_x, top + narrative_h, w, std::max(top + narrative_h + 1, top + h));
    l.split_navigator = ImRect(centre_x - kGrip / 2, top, centre_x + kGrip / 2, top + h);
    l.split_right = ImRect(right_x - kGrip / 2, top, right_x + kGrip / 2, top + h);
    l.split_diagram = ImRect(centre_x + kGrip, top + diagram_h - kGrip / 2, right_x - kGrip, top + diagram_h + kGrip / 2);
    l.split_narrative = ImRect(right_x + kGrip, top + narrative_h - kGrip / 2, w, top + narrative_h + kGrip / 2);
    return l;
}

bool panel_splitters(ImVec2 display, float top, PanelSplits& splits, float em) {
    const PanelLayout l = panel_layout(display, top, splits, em);
    const float w = std::max(display.x, 3.0f), h = std::max(display.y - top, 2.0f);
    struct Split {
        const char* id;
        ImRect rect;
        bool vertical;   // drags left and right
        float* share;
        float scale;     // share per pixel of drag
    };
    const Split all[] = {
        {"##split-navigator", l.split_navigator, true, &splits.navigator, 1.0f / w},
        {"##split-right", l.split_right, true, &splits.right, -1.0f / w},
        {"##split-diagram", l.split_diagram, false, &splits.diagram, 1.0f / h},
        {"##split-narrative", l.split_narrative, false, &splits.narrative, 1.0f / h},
    };
    bool released = false;
    for (const Split& s : all) {
        if (s.rect.GetWidth() < 1 || s.rect.GetHeight() < 1) continue;
        // A borderless window per splitter, above the panels, holding one
        // invisible button the size of the strip.
        ImGui::SetNextWindowPos(s.rect.Min);
        ImGui::SetNextWindowSize(s.rect.GetSize());
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowMinSize, ImVec2(1, 1));
        ImGui::Begin(s.id, nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove);
        ImGui::InvisibleButton(s.id, s.rect.GetSize());
        const bool hot = ImGui::IsItemHovered() || ImGui::IsItemActive();
        if (hot) ImGui::SetMouseCursor(s.vertical ? ImGuiMouseCursor_ResizeEW : ImGuiMouseCursor_ResizeNS);
        if (ImGui::IsItemActive()) {
            const ImVec2 delta = ImGui::GetIO().MouseDelta;
            *s.share += (s.vertical ? delta.x : delta.y) * s.scale;
            *s.share = std::max(0.0f, std::min(*s.share, 1.0f));
        }
        if (hot) {
            ImGui::GetWindowDrawList()->AddRectFilled(s.rect.Min, s.rect.Max,
                                                      ImGui::GetColorU32(ImGuiCol_SeparatorHovered));
        }
        if (ImGui::IsItemDeactivated()) released = true;
        ImGui::End();
        ImGui::PopStyleVar(2);
    }
    splits = splits.clamped();
    return released;
}

}  // namespace strata::gui
