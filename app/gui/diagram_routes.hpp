// Where the diagram draws a crossing between two layers: an orthogonal wire
// through the free space between boxes and bands, never through a box it
// does not join and never over text, as a datapath drawing routes its
// wires. Pure geometry on the layout's own data, in canvas units, so tests
// can check every route without drawing.
#pragma once

#include <span>
#include <vector>

#include "app/gui/diagram_layout.hpp"
#include "app/gui/diagram_model.hpp"
#include "engine/layers.hpp"

namespace strata::gui {

struct CanvasPoint {
    float x = 0, y = 0;
    bool operator==(const CanvasPoint&) const = default;
};

// One step of an event's path, from one node to the next. The kind keeps
// an entry and a system call along the same two nodes apart: each kind of
// hop is a wire of its own, drawn in its own colour, side by side.
struct Hop {
    engine::LayerId from{}, to{};
    CrossingKind kind = CrossingKind::other;
    bool operator==(const Hop&) const = default;
};

// A hop's wire: from a point on the border of `from`'s box to a point on
// the border of `to`'s box, every segment horizontal or vertical.
struct Route {
    Hop hop;
    std::vector<CanvasPoint> points;
};

struct RouteOptions {
    float grid = 5;        // the wires' grid pitch, canvas units
    float clearance = 5;   // room kept between a wire and any box or text
};

// Routes every distinct hop, in order (the first hop routed gets the most
// direct wire). `labels` are the text drawn on the diagram outside the
// boxes (band titles, lane captions, badges, the caption of the event in
// flight), in canvas units; wires keep clear of them and of every box,
// and a later wire never runs along an earlier one (where the grid left
// no other way, the shared stretch moves half a grid step aside). When no
// clear way exists the wire takes the least bad one rather than none.
std::vector<Route> route_hops(const DiagramLayout& layout, std::span<const Hop> hops,
                              std::span<const CanvasRect> labels, RouteOptions options = {});

// The distinct hops of a set of crossings, in the order they first happen.
std::vector<Hop> hops_of(std::span<const Crossing> crossings);
// The hops of one crossing, in order.
std::vector<Hop> hops_of(const Crossing& crossing);

// Geometry the routes are checked with (tests, the layout audit).
// True when the segment a-b (horizontal, vertical or slanted) passes
// through the inside of `r` (touching its border does not count).
bool segment_enters(CanvasPoint a, CanvasPoint b, const CanvasRect& r);
// True when two segments run along each other for more than `tolerance`.
bool segments_overlap(CanvasPoint a, CanvasPoint b, CanvasPoint c, CanvasPoint d, float tolerance = 0.5f);

}  // namespace strata::gui
