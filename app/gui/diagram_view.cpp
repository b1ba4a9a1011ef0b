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

ImVec2 to_screen(const Mapper& m, CanvasPoint p) { return m.point(p.x, p.y); }

CanvasRect to_canvas(const Mapper& m, const ImRect& r) {
    return {(r.Min.x - m.origin.x) / m.sx, (r.Min.y - m.origin.y) / m.sy, r.GetWidth() / m.sx, r.GetHeight() / m.sy};
}

// Text the wires keep clear of, with a few pixels of air around it at any
// scale (the router's clearance is in canvas units, which shrink).
CanvasRect label_room(const Mapper& m, const ImRect& text) {
    constexpr float kAir = 4;
    return to_canvas(m, ImRect(ImVec2(text.Min.x - kAir, text.Min.y - kAir), ImVec2(text.Max.x + kAir, text.Max.y + kAir)));
}

std::vector<ImVec2> wire_points(const Route& route, const Mapper& m) {
    std::vector<ImVec2> pts;
    for (CanvasPoint p : route.points) pts.push_back(to_screen(m, p));
    return pts;
}

// An arrow head whose tip is the wire's end, on the border of the box it enters.
void arrow_head(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 colour, float size) {
    const float dx = to.x - from.x, dy = to.y - from.y;
    const float len = std::sqrt(dx * dx + dy * dy);
    if (len < 1.0f) return;
    const float ux = dx / len, uy = dy / len;
    const float back = std::min(size * 1.6f, len);
    const ImVec2 base(to.x - ux * back, to.y - uy * back);
    dl->AddTriangleFilled(to, ImVec2(base.x - uy * size * 0.7f, base.y + ux * size * 0.7f),
                          ImVec2(base.x + uy * size * 0.7f, base.y - ux * size * 0.7f), colour);
}

void draw_wire(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 colour, float thickness) {
    if (pts.size() < 2) return;
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), colour, 0, thickness);
    arrow_head(dl, pts[pts.size() - 2], pts.back(), colour, 3.0f + thickness * 1.5f);
}

float length_of(const std::vector<ImVec2>& pts) {
    float total = 0;
    for (std::size_t i = 1; i < pts.size(); ++i) total += std::hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
    return total;
}

// The point a fraction `t` (0..1) along several wires taken one after the
// other: the token jumps across a box from where one wire enters it to
// where the next leaves, as the call passes through that layer.
ImVec2 point_along(const std::vector<std::vector<ImVec2>>& wires, float t) {
    float total = 0;
    for (const auto& w : wires) total += length_of(w);
    float target = total * std::clamp(t, 0.0f, 1.0f);
    for (const auto& pts : wires)
        for (std::size_t i = 1; i < pts.size(); ++i) {
            const float seg = std::hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
            if (target <= seg && seg > 0) {
                const float f = target / seg;
                return {pts[i - 1].x + (pts[i].x - pts[i - 1].x) * f, pts[i - 1].y + (pts[i].y - pts[i - 1].y) * f};
            }
            target -= seg;
        }
    for (auto it = wires.rbegin(); it != wires.rend(); ++it)
        if (!it->empty()) return it->back();
    return {0, 0};
}

bool same_labels(const std::vector<CanvasRect>& a, const std::vector<CanvasRect>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::abs(a[i].x - b[i].x) > 0.5f || std::abs(a[i].y - b[i].y) > 0.5f ||
            std::abs(a[i].width - b[i].width) > 0.5f || std::abs(a[i].height - b[i].height) > 0.5f)
            return false;
    return true;
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

void node_tooltip(const engine::Snapshot* snapshot, const std::map<engine::LayerId, std::size_t>& step_counts,
                  engine::LayerId layer) {
    const auto& info = engine::layer_info(layer);
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
    ImGui::TextUnformatted(std::string(info.title).c_str());
    ImGui::TextDisabled("%s", std::string(info.blurb).c_str());
    ImGui::Separator();
    const auto events = snapshot ? events_touching(*snapshot, layer, 12) : std::vector<const engine::TraceEvent*>{};
    if (events.empty()) ImGui::TextUnformatted("No recorded event touched this layer yet.");
    else {
        const auto& run_counts = snapshot->layer_counts();
        const std::size_t total = run_counts.count(layer) ? run_counts.at(layer) : 0;
        const std::size_t this_step = step_counts.count(layer) ? step_counts.at(layer) : 0;
        ImGui::Text("%zu in this step, %zu in the whole run so far; the latest:", this_step, total);
        for (const engine::TraceEvent* e : events)
            ImGui::BulletText("step %d  %s", e->step + 1, event_call_text(*e).c_str());
        ImGui::TextDisabled("Click to filter the timeline by this layer.");
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

// The clip rectangle for text placed at its box's left edge: a pixel
// wider each side, because a glyph's quad (not its ink) may begin half a
// pixel left of the pen and would be cut there.
void push_text_clip(ImDrawList* dl, const ImRect& r) {
    dl->PushClipRect(ImVec2(r.Min.x - 1, r.Min.y), ImVec2(r.Max.x + 1, r.Max.y), true);
}

// The model of the snapshot's current step, brought up to date with the
// events recorded since the last frame (or made afresh for another run or
// step).
const ModelCache& current_model(const engine::Snapshot* snapshot, ModelCache& cache) {
    if (!snapshot) {
        cache = {};
        return cache;
    }
    const engine::EventLogView& events = snapshot->events;
    if (cache.log != events.log_id() || cache.step != snapshot->current_step || cache.seen > events.size()) {
        cache = {};
        cache.log = events.log_id();
        cache.step = snapshot->current_step;
        cache.model.step = snapshot->current_step;
    }
    const std::size_t first_new = cache.model.crossings.size();
    extend_diagram_model(cache.model, *snapshot, cache.seen);
    cache.seen = events.size();
    cache.events = events;
    for (std::size_t i = first_new; i < cache.model.crossings.size(); ++i)
        for (const Hop& h : hops_of(cache.model.crossings[i])) {
            const auto at = std::find(cache.hops.begin(), cache.hops.end(), h);
            const auto index = static_cast<std::size_t>(at - cache.hops.begin());
            if (at == cache.hops.end()) {
                cache.hops.push_back(h);
                cache.takers.emplace_back();
            }
            // A path may take one hop twice (down and back up): once is enough.
            if (cache.takers[index].empty() || cache.takers[index].back() != i) cache.takers[index].push_back(i);
        }
    return cache;
}

// The last of the first `shown` crossings that took `hop`, if any.
std::optional<std::size_t> latest_taker(const ModelCache& cache, const Hop& hop, std::size_t shown) {
    const auto at = std::find(cache.hops.begin(), cache.hops.end(), hop);
    if (at == cache.hops.end()) return std::nullopt;
    const auto& takers = cache.takers[static_cast<std::size_t>(at - cache.hops.begin())];
    const auto after = std::lower_bound(takers.begin(), takers.end(), shown);
    if (after == takers.begin()) return std::nullopt;
    return *std::prev(after);
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

    const ModelCache& cached = current_model(snapshot, state.model);
    const DiagramModel& model = cached.model;

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

    const TypeScale type = type_scale(ImGui::GetFontSize());
    ImFont* font = ImGui::GetFont();
    // Text outside the boxes, in canvas units: the wires keep clear of it.
    std::vector<CanvasRect> labels;
    auto record = [&](const std::string& text, ImRect rect, ImRect bounds, float font_size, ImU32 colour, ImU32 under) {
        if (frame) frame->texts.push_back({text, rect, bounds, font_size, colour, under});
    };

    // 1. Bands (the strata). A fill the same colour as what is under it
    // (high contrast: black on black) is not drawn: it would cost a
    // software rasterizer every pixel of the diagram and show nothing.
    auto invisible = [&](ImU32 fill, ImU32 under) { return fill == under && fill == palette.window_background; };
    // One heading size for every band: the thinnest band sets it.
    float thinnest = FLT_MAX;
    for (const DiagramBand& band : layout.bands) thinnest = std::min(thinnest, band.height * m.sy);
    const float heading = std::min(type.title, std::max(8.0f, thinnest * 0.2f));
    std::vector<ImRect> headings;
    for (const DiagramBand& band : layout.bands) {
        const ImRect r = m.rect({0, band.y, layout.width, band.height});
        const ImU32 fill = palette.band_fill[static_cast<int>(band.stratum)];
        if (!invisible(fill, palette.window_background)) dl->AddRectFilled(r.Min, r.Max, fill, 6.0f);
        // The stratum's colour chip, as on the timeline's rows, then its name.
        const ImVec2 chip(r.Min.x + 2 * kSpacing, r.Min.y + kSpacing);
        const float chip_width = heading * 0.6f;
        dl->AddRectFilled(ImVec2(chip.x, chip.y + 2), ImVec2(chip.x + chip_width, chip.y + heading - 2),
                          palette.stratum_accent[static_cast<int>(band.stratum)], 2.0f);
        const ImVec2 at(chip.x + chip_width + kSpacing, chip.y);
        dl->AddText(font, heading, at, palette.band_title, band.title.c_str());
        const ImVec2 ts = font->CalcTextSizeA(heading, FLT_MAX, 0, band.title.c_str());
        const ImRect text(chip, ImVec2(at.x + ts.x, at.y + ts.y));
        labels.push_back(label_room(m, text));
        record(band.title, text, r, heading, palette.band_title, fill);
        headings.push_back(text);
    }

    // Lane captions (layout data): which side is the VM's, which the container's.
    for (const DiagramLane& lane : layout.lanes) {
        ImRect r = m.rect(lane.caption);
        // A band's heading keeps its own size in a small window; a caption
        // on its row starts after it rather than against it.
        for (const ImRect& h : headings)
            if (h.Min.y < r.Max.y && r.Min.y < h.Max.y && r.Min.x < h.Max.x + 2 * kSpacing && h.Max.x < r.Max.x)
                r.Min.x = std::min(h.Max.x + 2 * kSpacing, r.Max.x - 10.0f);
        const float wrap = std::max(r.GetWidth(), 10.0f);
        const float text_size = std::min(fitting_size(lane.title, wrap, r.GetHeight()), type.caption);
        push_text_clip(dl, r);
        dl->AddText(font, text_size, r.Min, palette.band_title, lane.title.c_str(), nullptr, wrap);
        dl->PopClipRect();
        const ImVec2 ts = font->CalcTextSizeA(text_size, FLT_MAX, wrap, lane.title.c_str());
        const ImRect text(r.Min, ImVec2(r.Min.x + ts.x, r.Min.y + ts.y));
        labels.push_back(label_room(m, text));
        record(lane.title, text, r, text_size, palette.band_title, palette.band_fill[0]);
        if (frame) frame->lanes.emplace_back(lane.title, r);
    }

    // 2. Nodes: lit exactly when a recorded event of the current step
    // touched them. A badge on the top edge counts events, this step's
    // unless the legend was switched to the whole run; the node's name
    // keeps below the badge, at any text size.
    const auto& counts = state.cumulative ? model.counts : model.step_counts;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    std::optional<engine::LayerId> hovered;
    for (const DiagramNode& node : layout.nodes) {
        const ImRect r = m.rect(node.rect);
        const bool lit = model.is_lit(node.layer);
        const ImU32 band = palette.band_fill[static_cast<int>(engine::layer_info(node.layer).stratum)];
        if (lit || !invisible(palette.node_fill, band)) dl->AddRectFilled(r.Min, r.Max, lit ? palette.node_lit : palette.node_fill, 5.0f);
        dl->AddRect(r.Min, r.Max, lit ? palette.node_lit_border : palette.node_border, 5.0f, 0, lit ? 2.5f : 1.0f);
        // The stratum's colour down the left edge: the same as the band's chip
        // and the timeline's chips for this layer.
        const float bar = kSpacing;
        dl->AddRectFilled(ImVec2(r.Min.x + 3, r.Min.y + 2 * kSpacing), ImVec2(r.Min.x + 3 + bar, r.Max.y - 2 * kSpacing),
                          layer_colour(palette, node.layer), 2.0f);
        if (filter == node.layer) dl->AddRect(ImVec2(r.Min.x - 3, r.Min.y - 3), ImVec2(r.Max.x + 3, r.Max.y + 3),
                                              palette.node_filtered, 7.0f, 0, 3.0f);
        const float badge_size = std::min(type.caption, std::max(8.0f, r.GetHeight() * 0.3f));
        const float badge_height = badge_size + 2;
        const std::string title(engine::layer_info(node.layer).title);
        // The name's room: between the badge's half inside the top edge and
        // the same at the bottom, where a badge goes when the top is taken.
        const ImRect room(ImVec2(r.Min.x + 3 + bar + kSpacing, r.Min.y + badge_height / 2 + 2),
                          ImVec2(r.Max.x - kSpacing, r.Max.y - badge_height / 2 - 2));
        const float wrap = std::max(room.GetWidth(), 10.0f);
        const float title_size = std::min(type.body, fitting_size(title, wrap, room.GetHeight()));
        const ImVec2 ts = font->CalcTextSizeA(title_size, FLT_MAX, wrap, title.c_str());
        const ImVec2 at(room.Min.x, room.GetCenter().y - ts.y / 2);
        const ImU32 title_colour = lit ? palette.node_lit_text : palette.node_text;
        dl->PushClipRect(r.Min, r.Max, true);
        dl->AddText(font, title_size, at, title_colour, title.c_str(), nullptr, wrap);
        dl->PopClipRect();
        record(title, ImRect(at, ImVec2(at.x + ts.x, at.y + ts.y)), r, title_size, title_colour,
               lit ? palette.node_lit : palette.node_fill);
        if (auto count = counts.find(node.layer); count != counts.end() && count->second > 0) {
            const std::string text = std::to_string(count->second);
            const ImVec2 bs = font->CalcTextSizeA(badge_size, FLT_MAX, 0, text.c_str());
            const float pad = badge_size * 0.35f;
            // On the top edge, or the bottom one where a heading or a
            // caption already sits above.
            ImVec2 min(r.Max.x - bs.x - 2 * pad - 6, r.Min.y - badge_height / 2);
            ImVec2 max(r.Max.x - 6, r.Min.y + badge_height / 2);
            const CanvasRect on_top = to_canvas(m, ImRect(min, max));
            const bool taken = std::any_of(labels.begin(), labels.end(), [&](const CanvasRect& l) {
                return l.x < on_top.x + on_top.width && on_top.x < l.x + l.width && l.y < on_top.y + on_top.height &&
                       on_top.y < l.y + l.height;
            });
            if (taken) {
                min.y = r.Max.y - badge_height / 2;
                max.y = r.Max.y + badge_height / 2;
            }
            dl->AddRectFilled(min, max, palette.counter_fill, badge_height / 2);
            const ImVec2 text_at(min.x + pad, min.y + 1);
            dl->AddText(font, badge_size, text_at, palette.counter_text, text.c_str());
            labels.push_back(label_room(m, ImRect(min, max)));
            record(text, ImRect(text_at, ImVec2(text_at.x + bs.x, text_at.y + bs.y)), ImRect(min, max), badge_size,
                   palette.counter_text, palette.counter_fill);
            if (frame) {
                frame->counters.emplace_back(node.layer, count->second);
                frame->badges.emplace_back(node.layer, ImRect(min, max));
            }
        }
        if (r.Contains(mouse) && ImGui::IsWindowHovered()) hovered = node.layer;
        if (frame) frame->nodes.emplace_back(node.layer, r);
    }

    // The legend: what the badges count, and the click that switches it.
    std::optional<ImRect> legend_box;
    if (layout.legend) {
        const ImRect r = m.rect(*layout.legend);
        const std::string text = state.cumulative ? "Badges: the whole run's events" : "Badges: this step's events";
        const float wrap = std::max(r.GetWidth(), 10.0f);
        const float text_size = std::min(fitting_size(text, wrap, r.GetHeight()), type.caption);
        const ImVec2 ts = font->CalcTextSizeA(text_size, FLT_MAX, wrap, text.c_str());
        push_text_clip(dl, r);
        dl->AddText(font, text_size, r.Min, palette.band_title, text.c_str(), nullptr, wrap);
        dl->PopClipRect();
        legend_box = r;
        labels.push_back(*layout.legend);
        record(text, ImRect(r.Min, ImVec2(r.Min.x + ts.x, r.Min.y + ts.y)), r, text_size, palette.band_title,
               palette.band_fill[3]);
        if (frame) frame->legend = text;
    }
    // The caption's box stays free whether or not an event is in flight,
    // so the wires do not move when the animation ends.
    if (layout.caption) labels.push_back(*layout.caption);

    // 3. Crossings: each distinct hop of the step is one routed wire; an
    // event's path is its hops' wires one after the other.
    const engine::TraceEvent* highlighted = nullptr;
    if (state.highlight && snapshot)
        if (const engine::TraceEvent* e = snapshot->events.find_sequence(*state.highlight); e && !e->layers.empty())
            highlighted = e;
    std::vector<Hop> hops = cached.hops;
    if (highlighted)
        for (const Hop& h : hops_of(Crossing{highlighted, crossing_kind(*highlighted), highlighted->layers}))
            if (std::find(hops.begin(), hops.end(), h) == hops.end()) hops.push_back(h);
    RouteCache& cache = state.routes;
    if (cache.lesson != lesson || cache.step != model.step || cache.highlight != state.highlight || cache.hops != hops ||
        !same_labels(cache.labels, labels)) {
        // Wires on neighbouring grid lines stay a few pixels apart however
        // small the diagram is drawn.
        RouteOptions grid;
        grid.grid = std::max(grid.grid, 3.0f / std::min(m.sx, m.sy));
        cache = {lesson, model.step, state.highlight, hops, labels, route_hops(layout, hops, labels, grid)};
    }
    auto wires_of = [&](const Crossing& c) {
        std::vector<std::vector<ImVec2>> out;
        for (const Hop& h : hops_of(c))
            for (const Route& r : cache.routes)
                if (r.hop == h) out.push_back(wire_points(r, m));
        return out;
    };

    const double slice = model.crossings.empty() ? 0 : length / static_cast<double>(model.crossings.size());
    const std::size_t active = animating ? static_cast<std::size_t>(t / slice) : model.crossings.size();
    // Each wire in the colour of the latest event that took it so far.
    std::vector<const engine::TraceEvent*> latest(cache.routes.size(), nullptr);
    for (std::size_t k = 0; k < cache.routes.size(); ++k)
        if (const auto taker = latest_taker(cached, cache.routes[k].hop, active)) latest[k] = model.crossings[*taker].event;
    for (std::size_t k = 0; k < cache.routes.size(); ++k) {
        if (!latest[k]) continue;
        const auto pts = wire_points(cache.routes[k], m);
        draw_wire(dl, pts, with_alpha(path_colour(palette, *latest[k]), animating ? 110 : 200), 2.0f * state.line_scale);
        if (frame) frame->wires.push_back({cache.routes[k].hop, pts});
    }
    if (animating && active < model.crossings.size()) {
        const Crossing& c = model.crossings[active];
        const auto wires = wires_of(c);
        const ImU32 colour = path_colour(palette, *c.event);
        for (const auto& pts : wires) draw_wire(dl, pts, colour, 3.5f * state.line_scale);
        const float f = static_cast<float>((t - slice * static_cast<double>(active)) / slice);
        if (!wires.empty()) {
            const ImVec2 token = point_along(wires, f);
            dl->AddCircleFilled(token, 7.0f * state.line_scale, colour);
            dl->AddCircle(token, 7.0f * state.line_scale, palette.node_lit_border, 0, 2.0f);
        }
        if (layout.caption) {
            const ImRect r = m.rect(*layout.caption);
            const std::string label = event_call_text(*c.event) + "  (" + std::string(crossing_description(c.kind)) + ")";
            const float wrap = std::max(r.GetWidth(), 10.0f);
            const float text_size = std::min(fitting_size(label, wrap, r.GetHeight()), type.caption);
            const ImVec2 ts = font->CalcTextSizeA(text_size, FLT_MAX, wrap, label.c_str());
            push_text_clip(dl, r);
            dl->AddText(font, text_size, r.Min, colour, label.c_str(), nullptr, wrap);
            dl->PopClipRect();
            record(label, ImRect(r.Min, ImVec2(r.Min.x + ts.x, r.Min.y + ts.y)), r, text_size, colour, palette.band_fill[3]);
        }
    }
    // 4. The event under the mouse in the timeline, over everything else:
    // a dark halo, then its colour, and its nodes ringed.
    if (highlighted) {
        for (engine::LayerId layer : highlighted->layers)
            if (const DiagramNode* n = layout.node(layer)) {
                const ImRect r = m.rect(n->rect);
                dl->AddRect(ImVec2(r.Min.x - 4, r.Min.y - 4), ImVec2(r.Max.x + 4, r.Max.y + 4), palette.node_filtered,
                            8.0f, 0, 3.0f);
            }
        for (const auto& pts : wires_of(Crossing{highlighted, crossing_kind(*highlighted), highlighted->layers})) {
            draw_wire(dl, pts, IM_COL32(0, 0, 0, 200), 9.0f * state.line_scale);
            draw_wire(dl, pts, path_colour(palette, *highlighted), 5.0f * state.line_scale);
        }
        if (frame) frame->highlighted = highlighted->layers;
    }
    dl->PopClipRect();

    // 5. Interaction: hover lists the events, click filters the timeline.
    ImGui::InvisibleButton("##diagram", size);
    if (legend_box && legend_box->Contains(mouse) && ImGui::IsItemHovered()) {
        ImGui::SetTooltip(state.cumulative ? "Each badge counts the events of every step so far. Click: this step only."
                                           : "Each badge counts this step's events. Click: every step so far.");
        if (ImGui::IsItemClicked(ImGuiMouseButton_Left)) state.cumulative = !state.cumulative;
    }
    if (hovered) {
        node_tooltip(snapshot, model.step_counts, *hovered);
        if (ImGui::IsItemClicked(ImGuiMouseButton_Left))
            commands.push_back({CommandKind::filter_layer, {}, 0,
                                filter == hovered ? std::nullopt : hovered});
    }
    if (frame) frame->animating = animating;
    return commands;
}

}  // namespace strata::gui
