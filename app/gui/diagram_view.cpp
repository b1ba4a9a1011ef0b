#include "app/gui/diagram_view.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <imgui_internal.h>

#include "app/gui/event_text.hpp"

namespace strata::gui {

namespace {

constexpr double kMaxAnimation = 3.0;      // seconds for a whole step
constexpr double kSlicePerEvent = 0.45;    // seconds per event when few
constexpr double kMinSlice = 0.04;

struct Mapper {
    ImVec2 origin;
    float sx, sy;
    ImVec2 point(float x, float y) const { return {origin.x + x * sx, origin.y + y * sy}; }
    ImRect rect(const CanvasRect& r) const { return {point(r.x, r.y), point(r.x + r.width, r.y + r.height)}; }
};

// Paths of different kinds run side by side instead of on top of each
// other: entries a little left of the centre line, exits a little right.
float lane_offset(CrossingKind kind) {
    switch (kind) {
        case CrossingKind::vm_entry: return -7.0f;
        case CrossingKind::vm_exit: return 7.0f;
        case CrossingKind::kept_in_kvm: return 11.0f;
        case CrossingKind::into_kernel: return -2.0f;
        case CrossingKind::other: return 3.0f;
    }
    return 0;
}

std::vector<ImVec2> path_points(const Crossing& c, const DiagramLayout& layout, const Mapper& m) {
    std::vector<ImVec2> points;
    const float offset = lane_offset(c.kind);
    for (engine::LayerId layer : c.path)
        if (const DiagramNode* n = layout.node(layer)) {
            ImVec2 p = m.point(n->rect.center_x(), n->rect.center_y());
            points.push_back({p.x + offset, p.y + offset * 0.5f});
        }
    return points;
}

void arrow_head(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 colour, float size) {
    const float dx = to.x - from.x, dy = to.y - from.y;
    const float len = std::sqrt(dx * dx + dy * dy);
    if (len < 1.0f) return;
    const float ux = dx / len, uy = dy / len;
    // The head stops short of the node centre so it stays visible.
    const ImVec2 tip(to.x - ux * size * 1.5f, to.y - uy * size * 1.5f);
    dl->AddTriangleFilled(tip, ImVec2(tip.x - ux * size - uy * size * 0.6f, tip.y - uy * size + ux * size * 0.6f),
                          ImVec2(tip.x - ux * size + uy * size * 0.6f, tip.y - uy * size - ux * size * 0.6f), colour);
}

void draw_path(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 colour, float thickness) {
    if (pts.size() < 2) return;
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), colour, 0, thickness);
    for (std::size_t i = 1; i < pts.size(); ++i) arrow_head(dl, pts[i - 1], pts[i], colour, 4.0f + thickness);
}

// The point a fraction `t` (0..1) along the polyline.
ImVec2 point_along(const std::vector<ImVec2>& pts, float t) {
    if (pts.size() == 1) return pts[0];
    float total = 0;
    for (std::size_t i = 1; i < pts.size(); ++i) total += std::hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
    float target = total * std::clamp(t, 0.0f, 1.0f);
    for (std::size_t i = 1; i < pts.size(); ++i) {
        const float seg = std::hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
        if (target <= seg && seg > 0) {
            const float f = target / seg;
            return {pts[i - 1].x + (pts[i].x - pts[i - 1].x) * f, pts[i - 1].y + (pts[i].y - pts[i - 1].y) * f};
        }
        target -= seg;
    }
    return pts.back();
}

// The largest size up to the UI font's at which `text` fits the box when
// wrapped, so big fonts (a projector, Ctrl +) never spill out of a node.
float fitting_size(const std::string& text, float width, float height) {
    ImFont* font = ImGui::GetFont();
    float size = ImGui::GetFontSize();
    while (size > 8.0f) {
        const ImVec2 box = font->CalcTextSizeA(size, FLT_MAX, width, text.c_str());
        // Wrapping splits inside a word when the word is wider than the
        // box; refuse sizes where any single word is too wide.
        bool words_fit = true;
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t end = text.find(' ', start);
            if (end == std::string::npos) end = text.size();
            if (font->CalcTextSizeA(size, FLT_MAX, 0, text.c_str() + start, text.c_str() + end).x > width) words_fit = false;
            start = end + 1;
        }
        if (words_fit && box.y <= height) break;
        size *= 0.9f;
    }
    return size;
}

ImU32 with_alpha(ImU32 colour, int alpha) { return (colour & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha) << IM_COL32_A_SHIFT); }

void node_tooltip(const engine::Snapshot* snapshot, engine::LayerId layer) {
    const auto& info = engine::layer_info(layer);
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
    ImGui::TextUnformatted(std::string(info.title).c_str());
    ImGui::TextDisabled("%s", std::string(info.blurb).c_str());
    ImGui::Separator();
    const auto events = snapshot ? events_touching(*snapshot, layer, 12) : std::vector<const engine::TraceEvent*>{};
    if (events.empty()) ImGui::TextUnformatted("No recorded event touched this layer yet.");
    else {
        const std::size_t total = snapshot->layer_counts.count(layer) ? snapshot->layer_counts.at(layer) : 0;
        ImGui::Text("%zu recorded event%s touched it; the latest:", total, total == 1 ? "" : "s");
        for (const engine::TraceEvent* e : events)
            ImGui::BulletText("step %d  %s", e->step + 1, event_call_text(*e).c_str());
        ImGui::TextDisabled("Click to filter the timeline by this layer.");
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

}  // namespace

std::optional<ImRect> DiagramFrame::node_rect(engine::LayerId layer) const {
    for (const auto& [l, r] : nodes)
        if (l == layer) return r;
    return std::nullopt;
}

double animation_length(std::size_t crossings) {
    if (crossings == 0) return 0;
    const double slice = std::max(kMinSlice, std::min(kSlicePerEvent, kMaxAnimation / static_cast<double>(crossings)));
    return slice * static_cast<double>(crossings);
}

Commands diagram_view(const engine::Snapshot* snapshot, const DiagramLayout& layout, const Palette& palette,
                      DiagramViewState& state, std::optional<engine::LayerId> filter, double now,
                      DiagramFrame* frame) {
    Commands commands;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::GetContentRegionAvail();
    size.x = std::max(size.x, 40.0f);
    size.y = std::max(size.y, 40.0f);
    const Mapper m{origin, size.x / layout.width, size.y / layout.height};
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);

    const DiagramModel model = snapshot ? build_diagram_model(*snapshot) : DiagramModel{};

    // Restart the animation when the step (or lesson) changes.
    const engine::Lesson* lesson = snapshot ? snapshot->lesson : nullptr;
    if (lesson != state.lesson || model.step != state.step) {
        state.lesson = lesson;
        state.step = model.step;
        state.started = now;
    }
    const double length = animation_length(model.crossings.size());
    double t = now - state.started;
    // The benchmark loops without a pause, so every frame it times animates.
    if (state.loop && length > 0) t = std::fmod(t, length);
    const bool animating = !state.still && length > 0 && t < length;

    // 1. Bands (the strata). A fill the same colour as what is under it
    // (high contrast: black on black) is not drawn: it would cost a
    // software rasterizer every pixel of the diagram and show nothing.
    auto invisible = [&](ImU32 fill, ImU32 under) { return fill == under && fill == palette.window_background; };
    for (const DiagramBand& band : layout.bands) {
        const ImRect r = m.rect({0, band.y, layout.width, band.height});
        const ImU32 fill = palette.band_fill[static_cast<int>(band.stratum)];
        if (!invisible(fill, palette.window_background)) dl->AddRectFilled(r.Min, r.Max, fill, 6.0f);
        const float title_size = std::min(ImGui::GetFontSize(), std::max(8.0f, band.height * m.sy * 0.2f));
        dl->AddText(ImGui::GetFont(), title_size, ImVec2(r.Min.x + 8, r.Min.y + 3), palette.band_title, band.title.c_str());
    }

    // Lane captions (layout data): which side is the VM's, which the container's.
    for (const DiagramLane& lane : layout.lanes) {
        const ImRect r = m.rect(lane.caption);
        const float wrap = std::max(r.GetWidth(), 10.0f);
        const float size = std::min(fitting_size(lane.title, wrap, r.GetHeight()), ImGui::GetFontSize() * 0.85f);
        dl->PushClipRect(r.Min, r.Max, true);
        dl->AddText(ImGui::GetFont(), size, r.Min, palette.band_title, lane.title.c_str(), nullptr, wrap);
        dl->PopClipRect();
        if (frame) frame->lanes.emplace_back(lane.title, r);
    }

    // 2. Nodes: lit exactly when a recorded event of the current step touched them.
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    std::optional<engine::LayerId> hovered;
    for (const DiagramNode& node : layout.nodes) {
        const ImRect r = m.rect(node.rect);
        const bool lit = model.is_lit(node.layer);
        const ImU32 band = palette.band_fill[static_cast<int>(engine::layer_info(node.layer).stratum)];
        if (lit || !invisible(palette.node_fill, band)) dl->AddRectFilled(r.Min, r.Max, lit ? palette.node_lit : palette.node_fill, 5.0f);
        dl->AddRect(r.Min, r.Max, lit ? palette.node_lit_border : palette.node_border, 5.0f, 0, lit ? 2.5f : 1.0f);
        if (filter == node.layer) dl->AddRect(ImVec2(r.Min.x - 3, r.Min.y - 3), ImVec2(r.Max.x + 3, r.Max.y + 3),
                                              palette.node_filtered, 7.0f, 0, 3.0f);
        const std::string title(engine::layer_info(node.layer).title);
        const float wrap = std::max(r.GetWidth() - 12, 10.0f);
        const float size = fitting_size(title, wrap, r.GetHeight() - 4);
        const ImVec2 text_size = ImGui::GetFont()->CalcTextSizeA(size, FLT_MAX, wrap, title.c_str());
        dl->PushClipRect(r.Min, r.Max, true);
        dl->AddText(ImGui::GetFont(), size,
                    ImVec2(r.Min.x + 6, r.GetCenter().y - text_size.y / 2), lit ? palette.node_lit_text : palette.node_text,
                    title.c_str(), nullptr, wrap);
        dl->PopClipRect();
        if (auto count = model.counts.find(node.layer); count != model.counts.end() && count->second > 0) {
            const std::string text = std::to_string(count->second);
            const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
            // On the node's top edge, so it never covers the title.
            const ImVec2 min(r.Max.x - ts.x - 16, r.Min.y - ts.y * 0.5f - 1);
            const ImVec2 max(r.Max.x - 6, r.Min.y + ts.y * 0.5f + 1);
            dl->AddRectFilled(min, max, palette.counter_fill, ts.y);
            dl->AddText(ImVec2(min.x + 5, min.y + 1), palette.counter_text, text.c_str());
            if (frame) frame->counters.emplace_back(node.layer, count->second);
        }
        if (r.Contains(mouse) && ImGui::IsWindowHovered()) hovered = node.layer;
        if (frame) frame->nodes.emplace_back(node.layer, r);
    }

    // 3. Crossings: every event of the step as a path; during the animation
    // the active one is bold and a dot travels along it.
    const double slice = model.crossings.empty() ? 0 : length / static_cast<double>(model.crossings.size());
    const std::size_t active = animating ? static_cast<std::size_t>(t / slice) : model.crossings.size();
    for (std::size_t i = 0; i < model.crossings.size(); ++i) {
        const Crossing& c = model.crossings[i];
        const auto pts = path_points(c, layout, m);
        const ImU32 colour = path_colour(palette, *c.event);
        if (i < active || !animating) draw_path(dl, pts, with_alpha(colour, animating ? 110 : 200), 2.0f * state.line_scale);
        if (i == active && animating && !pts.empty()) {
            const float f = static_cast<float>((t - slice * static_cast<double>(i)) / slice);
            draw_path(dl, pts, colour, 3.5f * state.line_scale);
            dl->AddCircleFilled(point_along(pts, f), 7.0f * state.line_scale, colour);
            dl->AddCircle(point_along(pts, f), 7.0f * state.line_scale, palette.node_lit_border, 0, 2.0f);
            const ImVec2 label_at(origin.x + 8, origin.y + size.y - ImGui::GetFontSize() - 6);
            const std::string label = event_call_text(*c.event) + "  (" + std::string(crossing_description(c.kind)) + ")";
            dl->AddText(label_at, colour, label.c_str());
        }
    }
    // 4. The event under the mouse in the timeline, over everything else:
    // a dark halo, then its colour, and its nodes ringed.
    if (state.highlight && snapshot && snapshot->events) {
        for (const engine::TraceEvent& e : *snapshot->events) {
            if (e.sequence != *state.highlight || e.layers.empty()) continue;
            const Crossing c{&e, crossing_kind(e), e.layers};
            const auto pts = path_points(c, layout, m);
            for (engine::LayerId layer : e.layers)
                if (const DiagramNode* n = layout.node(layer)) {
                    const ImRect r = m.rect(n->rect);
                    dl->AddRect(ImVec2(r.Min.x - 4, r.Min.y - 4), ImVec2(r.Max.x + 4, r.Max.y + 4),
                                palette.node_filtered, 8.0f, 0, 3.0f);
                }
            draw_path(dl, pts, IM_COL32(0, 0, 0, 200), 9.0f * state.line_scale);
            draw_path(dl, pts, path_colour(palette, e), 5.0f * state.line_scale);
            if (frame) frame->highlighted = e.layers;
            break;
        }
    }
    dl->PopClipRect();

    // 5. Interaction: hover lists the events, click filters the timeline.
    ImGui::InvisibleButton("##diagram", size);
    if (hovered) {
        node_tooltip(snapshot, *hovered);
        if (ImGui::IsItemClicked(ImGuiMouseButton_Left))
            commands.push_back({CommandKind::filter_layer, {}, 0,
                                filter == hovered ? std::nullopt : hovered});
    }
    if (frame) frame->animating = animating;
    return commands;
}

}  // namespace strata::gui
