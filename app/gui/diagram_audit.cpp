#include "app/gui/diagram_audit.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "app/gui/contrast.hpp"

namespace strata::gui {

namespace {

CanvasPoint as_point(ImVec2 p) { return {p.x, p.y}; }
CanvasRect as_rect(const ImRect& r) { return {r.Min.x, r.Min.y, r.GetWidth(), r.GetHeight()}; }

// Half a pixel of slack: anti-aliased edges and rounding are not faults.
constexpr float kSlack = 0.5f;

bool overlap(const ImRect& a, const ImRect& b) {
    return a.Min.x + kSlack < b.Max.x && b.Min.x + kSlack < a.Max.x && a.Min.y + kSlack < b.Max.y &&
           b.Min.y + kSlack < a.Max.y;
}

bool inside(const ImRect& inner, const ImRect& outer) {
    return inner.Min.x >= outer.Min.x - kSlack && inner.Min.y >= outer.Min.y - kSlack &&
           inner.Max.x <= outer.Max.x + kSlack && inner.Max.y <= outer.Max.y + kSlack;
}

std::string hop_text(const Hop& hop) {
    return std::string(engine::layer_key(hop.from)) + " -> " + std::string(engine::layer_key(hop.to));
}

std::string where(const std::string& text) { return "\"" + text.substr(0, 40) + "\""; }

}  // namespace

std::string DiagramAudit::findings_text() const {
    std::string text;
    for (const auto& f : findings) text += f + "\n";
    return text;
}

DiagramAudit audit_diagram(const DiagramFrame& frame) {
    DiagramAudit audit;
    for (const auto& wire : frame.wires)
        for (std::size_t i = 1; i < wire.points.size(); ++i) {
            const CanvasPoint a = as_point(wire.points[i - 1]), b = as_point(wire.points[i]);
            for (const auto& [layer, rect] : frame.nodes)
                if (segment_enters(a, b, as_rect(rect))) {
                    ++audit.wires_through_boxes;
                    audit.findings.push_back("a wire " + std::string(engine::layer_key(wire.hop.from)) + " -> " +
                                             std::string(engine::layer_key(wire.hop.to)) + " runs through " +
                                             std::string(engine::layer_key(layer)));
                }
            for (const DiagramText& text : frame.texts)
                if (segment_enters(a, b, as_rect(text.rect))) {
                    ++audit.wires_over_text;
                    audit.findings.push_back("a wire " + std::string(engine::layer_key(wire.hop.from)) + " -> " +
                                             std::string(engine::layer_key(wire.hop.to)) + " crosses " +
                                             where(text.text));
                }
        }
    for (std::size_t w = 0; w < frame.wires.size(); ++w)
        for (std::size_t v = w + 1; v < frame.wires.size(); ++v) {
            const auto& p = frame.wires[w].points;
            const auto& q = frame.wires[v].points;
            std::optional<ImVec2> together;
            for (std::size_t i = 1; i < p.size() && !together; ++i)
                for (std::size_t j = 1; j < q.size() && !together; ++j)
                    if (segments_overlap(as_point(p[i - 1]), as_point(p[i]), as_point(q[j - 1]), as_point(q[j]), 1.0f))
                        together = p[i - 1];
            if (together) {
                ++audit.wires_coinciding;
                audit.findings.push_back("the wires " + hop_text(frame.wires[w].hop) + " and " + hop_text(frame.wires[v].hop) +
                                         " run on top of each other near (" + std::to_string(static_cast<int>(together->x)) +
                                         ", " + std::to_string(static_cast<int>(together->y)) + ")");
            }
        }
    for (std::size_t i = 0; i < frame.texts.size(); ++i) {
        const DiagramText& t = frame.texts[i];
        if (!inside(t.rect, t.bounds)) {
            ++audit.text_clipped;
            audit.findings.push_back(where(t.text) + " does not fit its box");
        }
        if (t.background != 0) audit.lowest_contrast = std::min(audit.lowest_contrast, contrast_ratio(t.colour, t.background));
        for (std::size_t j = i + 1; j < frame.texts.size(); ++j)
            if (overlap(t.rect, frame.texts[j].rect)) {
                ++audit.text_overlapping;
                audit.findings.push_back(where(t.text) + " and " + where(frame.texts[j].text) + " overlap");
            }
    }
    // A badge's box, not just its digits, must stay off the node's name.
    for (const auto& [layer, badge] : frame.badges) {
        const std::string title(engine::layer_info(layer).title);
        for (const DiagramText& t : frame.texts)
            if (t.text == title && overlap(badge, t.rect)) {
                ++audit.badges_over_names;
                audit.findings.push_back("the badge of " + std::string(engine::layer_key(layer)) + " covers its name");
            }
    }
    return audit;
}

}  // namespace strata::gui
