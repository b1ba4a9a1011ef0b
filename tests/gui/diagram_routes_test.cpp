// The diagram's wires: routed around boxes and text, never on top of each
// other, on small layouts built for it and on the shipped layout with
// every step of every shipped recording.
#include <catch2/catch.hpp>

#include <memory>

#include "app/gui/diagram_audit.hpp"
#include "app/gui/diagram_routes.hpp"
#include "app/gui/diagram_view.hpp"
#include "backends/replay/recording.hpp"
#include "engine/install_layout.hpp"
#include "lessons/catalogue.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using engine::LayerId;
using gui::CanvasPoint;
using gui::CanvasRect;

namespace {

// Three boxes in a column: a wire from the top one to the bottom one has
// the middle one in its straight way.
gui::DiagramLayout column() {
    gui::DiagramLayout l;
    l.width = 300;
    l.height = 300;
    l.nodes = {{LayerId::guest_program, {100, 20, 100, 40}},
               {LayerId::guest_kernel, {60, 130, 180, 40}},
               {LayerId::cpu_virt, {100, 240, 100, 40}}};
    return l;
}

bool on_border(CanvasPoint p, const CanvasRect& r) {
    const bool in_x = p.x >= r.x - 0.01f && p.x <= r.x + r.width + 0.01f;
    const bool in_y = p.y >= r.y - 0.01f && p.y <= r.y + r.height + 0.01f;
    const bool on_x = std::abs(p.x - r.x) < 0.01f || std::abs(p.x - r.x - r.width) < 0.01f;
    const bool on_y = std::abs(p.y - r.y) < 0.01f || std::abs(p.y - r.y - r.height) < 0.01f;
    return in_x && in_y && (on_x || on_y);
}

// Every segment horizontal or vertical, from `from`'s border to `to`'s,
// entering no box and no label.
void check_route(const gui::Route& route, const gui::DiagramLayout& layout, const std::vector<CanvasRect>& labels) {
    REQUIRE(route.points.size() >= 2);
    CHECK(on_border(route.points.front(), layout.node(route.hop.from)->rect));
    CHECK(on_border(route.points.back(), layout.node(route.hop.to)->rect));
    for (std::size_t i = 1; i < route.points.size(); ++i) {
        const CanvasPoint a = route.points[i - 1], b = route.points[i];
        CHECK((a.x == b.x || a.y == b.y));
        for (const auto& n : layout.nodes) {
            CAPTURE(engine::layer_key(n.layer), a.x, a.y, b.x, b.y);
            CHECK_FALSE(gui::segment_enters(a, b, n.rect));
        }
        for (const CanvasRect& l : labels) {
            CAPTURE(l.x, l.y, a.x, a.y, b.x, b.y);
            CHECK_FALSE(gui::segment_enters(a, b, l));
        }
    }
}

int overlapping_pairs(const std::vector<gui::Route>& routes) {
    int pairs = 0;
    for (std::size_t r = 0; r < routes.size(); ++r)
        for (std::size_t s = r + 1; s < routes.size(); ++s) {
            bool together = false;
            const auto& p = routes[r].points;
            const auto& q = routes[s].points;
            for (std::size_t i = 1; i < p.size(); ++i)
                for (std::size_t j = 1; j < q.size(); ++j)
                    together = together || gui::segments_overlap(p[i - 1], p[i], q[j - 1], q[j]);
            pairs += together;
        }
    return pairs;
}

}  // namespace

TEST_CASE("Segment geometry: entering a box's inside, running along another segment", "[gui][routes]") {
    const CanvasRect box{10, 10, 20, 20};
    CHECK(gui::segment_enters({0, 20}, {40, 20}, box));
    CHECK(gui::segment_enters({0, 0}, {40, 40}, box));
    CHECK_FALSE(gui::segment_enters({0, 10}, {40, 10}, box));  // along the border
    CHECK_FALSE(gui::segment_enters({20, 0}, {20, 10}, box));  // ends on it
    CHECK_FALSE(gui::segment_enters({0, 35}, {40, 35}, box));
    CHECK(gui::segments_overlap({0, 0}, {10, 0}, {5, 0}, {20, 0}));
    CHECK_FALSE(gui::segments_overlap({0, 0}, {10, 0}, {10, 0}, {20, 0}));  // meet at a point
    CHECK_FALSE(gui::segments_overlap({0, 0}, {10, 0}, {0, 3}, {10, 3}));   // side by side
    CHECK_FALSE(gui::segments_overlap({0, 0}, {10, 0}, {5, -5}, {5, 5}));   // cross
}

TEST_CASE("A wire goes around a box between its two ends, not through it", "[gui][routes]") {
    const auto layout = column();
    const std::vector<gui::Hop> hops{{LayerId::guest_program, LayerId::cpu_virt, gui::CrossingKind::vm_exit}};
    const auto routes = gui::route_hops(layout, hops, {});
    REQUIRE(routes.size() == 1);
    check_route(routes[0], layout, {});
}

TEST_CASE("A wire keeps off text, even where the straight way is shorter", "[gui][routes]") {
    auto layout = column();
    layout.nodes.pop_back();  // guest-program above guest-kernel, nothing between them but a label
    // A caption across the gap between the two boxes, leaving room only on the right.
    const std::vector<CanvasRect> labels{{0, 75, 250, 40}};
    const std::vector<gui::Hop> hops{{LayerId::guest_program, LayerId::guest_kernel, gui::CrossingKind::other}};
    const auto routes = gui::route_hops(layout, hops, labels);
    REQUIRE(routes.size() == 1);
    check_route(routes[0], layout, labels);
    // Around the label's right end, so the wire is longer than the gap.
    float rightmost = 0;
    for (CanvasPoint p : routes[0].points) rightmost = std::max(rightmost, p.x);
    CHECK(rightmost > 250);
}

TEST_CASE("Parallel wires run side by side, never on top of each other", "[gui][routes]") {
    auto layout = column();
    layout.nodes.erase(layout.nodes.begin() + 1);  // a clear way between the two
    const std::vector<gui::Hop> hops{{LayerId::guest_program, LayerId::cpu_virt, gui::CrossingKind::into_kernel},
                                     {LayerId::guest_program, LayerId::cpu_virt, gui::CrossingKind::vm_entry},
                                     {LayerId::cpu_virt, LayerId::guest_program, gui::CrossingKind::vm_exit},
                                     {LayerId::cpu_virt, LayerId::guest_program, gui::CrossingKind::other}};
    const auto routes = gui::route_hops(layout, hops, {});
    REQUIRE(routes.size() == 4);
    for (const auto& r : routes) check_route(r, layout, {});
    CHECK(overlapping_pairs(routes) == 0);
    SECTION("the same hop twice is one wire (a bundle)") {
        const std::vector<gui::Hop> twice{hops[0], hops[0]};
        CHECK(gui::route_hops(layout, twice, {}).size() == 1);
    }
}

TEST_CASE("An event's hops follow its layers in order, one wire per kind of crossing", "[gui][routes]") {
    engine::TraceEvent e;
    e.kind = engine::EventKind::vm_exit;
    e.layers = {LayerId::guest_program, LayerId::cpu_virt, LayerId::kvm, LayerId::vmm};
    const gui::Crossing c{&e, gui::CrossingKind::vm_exit, e.layers};
    const auto hops = gui::hops_of(c);
    REQUIRE(hops.size() == 3);
    CHECK(hops[0] == gui::Hop{LayerId::guest_program, LayerId::cpu_virt, gui::CrossingKind::vm_exit});
    CHECK(hops[2] == gui::Hop{LayerId::kvm, LayerId::vmm, gui::CrossingKind::vm_exit});
    const std::vector<gui::Crossing> two{c, c};
    CHECK(gui::hops_of(two).size() == 3);
}

namespace {

gui::Palette palette() {
    ImGuiStyle style;
    return gui::make_theme("dark", style).palette;
}

// The snapshot a GUI shows after step `step` of a recording.
engine::Snapshot snapshot_of(const replay::Recording& rec, const engine::Lesson& lesson, int step) {
    engine::Snapshot snap;
    snap.lesson = &lesson;
    std::vector<engine::TraceEvent> events;
    for (const auto& e : rec.events)
        if (e.step <= step) events.push_back(e);
    snap.events = engine::event_log_of(std::move(events));
    snap.current_step = step;
    return snap;
}

}  // namespace

TEST_CASE("On the shipped layout, no step of any shipped recording draws a wire through a box or over text",
          "[gui][routes]") {
    auto layout = gui::load_diagram_layout(gui::default_diagram_layout_path());
    REQUIRE(layout);
    const auto p = palette();
    const float scale = GENERATE(1.0f, 2.0f);
    // The diagram's panel in 1280x800 windows (about, with the headless
    // default font), and demo mode's at 1920x1080. Smaller panels can run
    // out of grid lines between the guest boxes and the heading below them
    // in compare/isolation's busiest step; the layout audit reports it.
    const auto size = GENERATE(ImVec2(620, 410), ImVec2(640, 430), ImVec2(1880, 900));
    CAPTURE(size.x);
    tests::HeadlessImGui imgui(size.x, size.y);
    ImGui::GetIO().FontGlobalScale = scale;
    int steps_seen = 0;
    std::size_t wires_seen = 0;
    for (const auto& lesson : lessons::catalogue().lessons()) {
        auto rec = replay::load_recording(replay::shipped_recording_path(engine::asset_dir(), lesson.id), lesson);
        REQUIRE(rec);
        for (int step = 0; step < static_cast<int>(rec->steps.size()); ++step) {
            const auto snap = snapshot_of(*rec, lesson, step);
            gui::DiagramViewState state;
            state.still = true;
            gui::DiagramFrame frame;
            imgui.frame([&] { gui::diagram_view(&snap, *layout, p, state, std::nullopt, 0.0, &frame); });
            const auto audit = gui::audit_diagram(frame);
            CAPTURE(lesson.id, step, scale);
            INFO(audit.findings_text());
            CHECK(audit.wires_through_boxes == 0);
            CHECK(audit.wires_over_text == 0);
            CHECK(audit.wires_coinciding == 0);
            CHECK(audit.badges_over_names == 0);
            CHECK(audit.text_overlapping == 0);
            ++steps_seen;
            wires_seen += frame.wires.size();
        }
    }
    CHECK(steps_seen > 50);
    CHECK(wires_seen > 100);
    ImGui::GetIO().FontGlobalScale = 1.0f;
}
