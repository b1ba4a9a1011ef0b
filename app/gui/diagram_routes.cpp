#include "app/gui/diagram_routes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <queue>

namespace strata::gui {

namespace {

// What a wire pays, in grid steps, for each thing it would rather not do.
// A box or a label costs so much that a wire goes through one only when
// there is no way around at all.
constexpr float kBend = 3;           // a corner: fewer corners read better
constexpr float kCrossWire = 6;      // crossing an earlier wire at right angles
constexpr float kBesideWire = 1.5f;  // running right next to an earlier wire
constexpr float kAlongWire = 900;    // running on top of an earlier wire
constexpr float kBlocked = 2000;     // through a box or over text

CanvasRect inflated(const CanvasRect& r, float by) {
    return {r.x - by, r.y - by, r.width + 2 * by, r.height + 2 * by};
}

bool strictly_inside(const CanvasRect& r, float x, float y) {
    return x > r.x && x < r.x + r.width && y > r.y && y < r.y + r.height;
}

enum Dir : int { east, west, south, north };
constexpr int kDx[4] = {1, -1, 0, 0};
constexpr int kDy[4] = {0, 0, 1, -1};

struct Port {
    int cell;
    Dir outward;             // the direction leaving the box
    CanvasPoint on_border;   // where the stub meets the box
};

class Grid {
public:
    Grid(const DiagramLayout& layout, std::span<const CanvasRect> labels, RouteOptions options)
        : layout_(layout), labels_(labels), g_(options.grid), clearance_(options.clearance) {
        nx_ = static_cast<int>(std::floor(layout.width / g_)) + 1;
        ny_ = static_cast<int>(std::floor(layout.height / g_)) + 1;
        blocked_.assign(static_cast<std::size_t>(nx_ * ny_), false);
        used_.assign(blocked_.size(), 0);
        along_.assign(blocked_.size() * 2, false);
        for (int j = 0; j < ny_; ++j)
            for (int i = 0; i < nx_; ++i) {
                // The canvas's own edge is no place for a wire: half of it
                // would be clipped away.
                bool blocked = i == 0 || j == 0 || i == nx_ - 1 || j == ny_ - 1;
                const float x = static_cast<float>(i) * g_, y = static_cast<float>(j) * g_;
                for (const DiagramNode& n : layout.nodes)
                    blocked = blocked || strictly_inside(inflated(n.rect, clearance_), x, y);
                for (const CanvasRect& l : labels)
                    blocked = blocked || strictly_inside(inflated(l, clearance_), x, y);
                blocked_[static_cast<std::size_t>(cell(i, j))] = blocked;
            }
    }

    std::vector<CanvasPoint> route(const Hop& hop) {
        const DiagramNode* from = layout_.node(hop.from);
        const DiagramNode* to = layout_.node(hop.to);
        if (!from || !to || hop.from == hop.to) return {};
        const auto sources = ports(from->rect);
        const auto targets = ports(to->rect);
        if (sources.empty() || targets.empty()) return {};

        std::vector<int> target_of(blocked_.size(), -1);
        for (std::size_t k = 0; k < targets.size(); ++k) target_of[static_cast<std::size_t>(targets[k].cell)] = static_cast<int>(k);
        const CanvasRect goal = inflated(to->rect, clearance_ + g_);

        const std::size_t states = blocked_.size() * 4;
        std::vector<float> cost(states, std::numeric_limits<float>::infinity());
        std::vector<int> parent(states, -1);
        using Entry = std::pair<float, int>;
        std::priority_queue<Entry, std::vector<Entry>, std::greater<>> open;
        auto heuristic = [&](int c) {
            const float x = static_cast<float>(c % nx_) * g_, y = static_cast<float>(c / nx_) * g_;
            const float dx = std::max({goal.x - x, 0.0f, x - goal.x - goal.width});
            const float dy = std::max({goal.y - y, 0.0f, y - goal.y - goal.height});
            return (dx + dy) / g_;
        };
        for (const Port& p : sources) {
            const int s = p.cell * 4 + p.outward;
            const float c = step_cost(p.cell, p.outward, p.outward);
            if (c < cost[static_cast<std::size_t>(s)]) {
                cost[static_cast<std::size_t>(s)] = c;
                open.push({c + heuristic(p.cell), s});
            }
        }
        int reached = -1;
        while (!open.empty()) {
            const auto [f, s] = open.top();
            open.pop();
            const int c = s / 4;
            const Dir d = static_cast<Dir>(s % 4);
            if (f - heuristic(c) > cost[static_cast<std::size_t>(s)] + 1e-3f) continue;
            const int t = target_of[static_cast<std::size_t>(c)];
            // Arriving at a port means entering the box against its outward direction.
            if (t >= 0 && targets[static_cast<std::size_t>(t)].outward == opposite(d)) {
                reached = s;
                break;
            }
            if (t >= 0 && d != opposite(targets[static_cast<std::size_t>(t)].outward)) {
                // Turning into the box here costs a corner.
                const int turned = c * 4 + opposite(targets[static_cast<std::size_t>(t)].outward);
                const float nc = cost[static_cast<std::size_t>(s)] + kBend;
                if (nc < cost[static_cast<std::size_t>(turned)]) {
                    cost[static_cast<std::size_t>(turned)] = nc;
                    parent[static_cast<std::size_t>(turned)] = s;
                    open.push({nc + heuristic(c), turned});
                }
            }
            const int i = c % nx_, j = c / nx_;
            for (int nd = 0; nd < 4; ++nd) {
                if (nd == opposite(d)) continue;
                const int ni = i + kDx[nd], nj = j + kDy[nd];
                if (ni < 0 || nj < 0 || ni >= nx_ || nj >= ny_) continue;
                const int next = cell(ni, nj);
                float nc = cost[static_cast<std::size_t>(s)] + step_cost(next, static_cast<Dir>(nd), d);
                if (along_[static_cast<std::size_t>(edge(c, static_cast<Dir>(nd)))]) nc += kAlongWire;
                const int ns = next * 4 + nd;
                if (nc < cost[static_cast<std::size_t>(ns)]) {
                    cost[static_cast<std::size_t>(ns)] = nc;
                    parent[static_cast<std::size_t>(ns)] = s;
                    open.push({nc + heuristic(next), ns});
                }
            }
        }
        if (reached < 0) return {};

        std::vector<int> cells;
        for (int s = reached; s >= 0; s = parent[static_cast<std::size_t>(s)])
            if (cells.empty() || cells.back() != s / 4) cells.push_back(s / 4);
        std::reverse(cells.begin(), cells.end());
        mark_used(cells);

        const Port* first = port_at(sources, cells.front());
        const Port* last = port_at(targets, cells.back());
        std::vector<CanvasPoint> points;
        points.push_back(first->on_border);
        for (int c : cells) points.push_back(point(c));
        points.push_back(last->on_border);
        return simplified(points);
    }

private:
    int cell(int i, int j) const { return j * nx_ + i; }
    CanvasPoint point(int c) const { return {static_cast<float>(c % nx_) * g_, static_cast<float>(c / nx_) * g_}; }
    static Dir opposite(Dir d) { return static_cast<Dir>(d ^ 1); }
    // Edges are stored per cell: index 0 the one to the east, 1 to the south.
    int edge(int c, Dir d) const {
        switch (d) {
            case east: return c * 2;
            case west: return (c - 1) * 2;
            case south: return c * 2 + 1;
            case north: return (c - nx_) * 2 + 1;
        }
        return 0;
    }

    float step_cost(int c, Dir d, Dir previous) const {
        float cost = 1;
        if (d != previous) cost += kBend;
        if (blocked_[static_cast<std::size_t>(c)]) cost += kBlocked;
        const int use = used_[static_cast<std::size_t>(c)];
        if (use & 3) cost += kCrossWire;  // a wire already passes this point
        else if (use & 4) cost += kBesideWire;
        return cost;
    }

    void mark_used(const std::vector<int>& cells) {
        for (std::size_t k = 0; k < cells.size(); ++k) {
            const int c = cells[k];
            used_[static_cast<std::size_t>(c)] |= 1;
            if (k + 1 < cells.size()) {
                const int n = cells[k + 1];
                const Dir d = n == c + 1 ? east : n == c - 1 ? west : n > c ? south : north;
                along_[static_cast<std::size_t>(edge(c, d))] = true;
            }
            // The neighbours: a later wire beside this one costs a little,
            // so parallel wires keep a grid step apart where they can.
            const int i = c % nx_, j = c / nx_;
            for (int d = 0; d < 4; ++d) {
                const int ni = i + kDx[d], nj = j + kDy[d];
                if (ni >= 0 && nj >= 0 && ni < nx_ && nj < ny_) used_[static_cast<std::size_t>(cell(ni, nj))] |= 4;
            }
        }
    }

    // The grid points just outside a box's clearance, one per grid line
    // along each side (corners excluded), where a wire may leave or enter.
    std::vector<Port> ports(const CanvasRect& r) const {
        std::vector<Port> out;
        const float left = r.x - clearance_, right = r.x + r.width + clearance_;
        const float top = r.y - clearance_, bottom = r.y + r.height + clearance_;
        const int i_left = static_cast<int>(std::floor(left / g_)), i_right = static_cast<int>(std::ceil(right / g_));
        const int j_top = static_cast<int>(std::floor(top / g_)), j_bottom = static_cast<int>(std::ceil(bottom / g_));
        auto add = [&](int i, int j, Dir d, CanvasPoint border) {
            if (i <= 0 || j <= 0 || i >= nx_ - 1 || j >= ny_ - 1) return;
            const int c = cell(i, j);
            if (blocked_[static_cast<std::size_t>(c)]) return;
            // A port an earlier wire took would put the two stubs on top of each other.
            if (used_[static_cast<std::size_t>(c)] & 1) return;
            const CanvasPoint p = point(c);
            for (const CanvasRect& l : labels_)
                if (segment_enters(border, p, l)) return;
            out.push_back({c, d, border});
        };
        for (int i = static_cast<int>(std::ceil((r.x + g_) / g_)); static_cast<float>(i) * g_ <= r.x + r.width - g_; ++i) {
            const float x = static_cast<float>(i) * g_;
            add(i, j_top, north, {x, r.y});
            add(i, j_bottom, south, {x, r.y + r.height});
        }
        for (int j = static_cast<int>(std::ceil((r.y + g_) / g_)); static_cast<float>(j) * g_ <= r.y + r.height - g_; ++j) {
            const float y = static_cast<float>(j) * g_;
            add(i_left, j, west, {r.x, y});
            add(i_right, j, east, {r.x + r.width, y});
        }
        return out;
    }

    static const Port* port_at(const std::vector<Port>& ports, int c) {
        for (const Port& p : ports)
            if (p.cell == c) return &p;
        return &ports.front();
    }

    // Drops the points in the middle of straight runs.
    static std::vector<CanvasPoint> simplified(const std::vector<CanvasPoint>& in) {
        std::vector<CanvasPoint> out;
        for (const CanvasPoint& p : in) {
            if (!out.empty() && out.back() == p) continue;
            if (out.size() >= 2) {
                const CanvasPoint& a = out[out.size() - 2];
                const CanvasPoint& b = out.back();
                const bool collinear = (a.x == b.x && b.x == p.x) || (a.y == b.y && b.y == p.y);
                if (collinear) out.back() = p;
                else out.push_back(p);
            } else {
                out.push_back(p);
            }
        }
        return out;
    }

    const DiagramLayout& layout_;
    std::span<const CanvasRect> labels_;
    float g_, clearance_;
    int nx_ = 0, ny_ = 0;
    std::vector<bool> blocked_;
    std::vector<std::uint8_t> used_;  // 1: a wire's point, 4: next to one
    std::vector<bool> along_;         // edges a wire runs along
};

// Whether a-b runs along any wire but routes[except].
bool shares_a_wire(const std::vector<Route>& routes, std::size_t except, CanvasPoint a, CanvasPoint b, float tolerance) {
    for (std::size_t o = 0; o < routes.size(); ++o) {
        if (o == except) continue;
        const auto& q = routes[o].points;
        for (std::size_t j = 1; j < q.size(); ++j)
            if (segments_overlap(a, b, q[j - 1], q[j], tolerance)) return true;
    }
    return false;
}

bool enters_any(CanvasPoint a, CanvasPoint b, const DiagramLayout& layout, std::span<const CanvasRect> labels) {
    for (const DiagramNode& n : layout.nodes)
        if (segment_enters(a, b, n.rect)) return true;
    for (const CanvasRect& l : labels)
        if (segment_enters(a, b, l)) return true;
    return false;
}

// Where the grid left no clear way, a later wire runs along an earlier
// one and one of them would be invisible. Such a stretch (never a wire's
// first or last, which meet its boxes) moves half a grid step aside, where
// no grid-routed wire runs; the stretches before and after it lengthen or
// shorten to meet it and stay square, and none may then cross a box, text
// or another wire's stretch.
void separate_shared_stretches(std::vector<Route>& routes, const DiagramLayout& layout, std::span<const CanvasRect> labels,
                               float grid) {
    const float tolerance = grid * 0.2f;
    for (std::size_t r = 1; r < routes.size(); ++r) {
        auto& p = routes[r].points;
        for (std::size_t i = 2; i + 1 < p.size(); ++i) {
            if (!shares_a_wire(routes, r, p[i - 1], p[i], tolerance)) continue;
            const bool horizontal = p[i - 1].y == p[i].y;
            for (const float d : {grid / 2, -grid / 2, grid / 4, -grid / 4}) {
                CanvasPoint a = p[i - 1], b = p[i];
                (horizontal ? a.y : a.x) += d;
                (horizontal ? b.y : b.x) += d;
                const bool clear = !shares_a_wire(routes, r, a, b, tolerance) &&
                                   !shares_a_wire(routes, r, p[i - 2], a, tolerance) &&
                                   !shares_a_wire(routes, r, b, p[i + 1], tolerance) &&
                                   !enters_any(p[i - 2], a, layout, labels) && !enters_any(a, b, layout, labels) &&
                                   !enters_any(b, p[i + 1], layout, labels);
                if (clear) {
                    p[i - 1] = a;
                    p[i] = b;
                    break;
                }
            }
        }
    }
}

}  // namespace

std::vector<Route> route_hops(const DiagramLayout& layout, std::span<const Hop> hops, std::span<const CanvasRect> labels,
                              RouteOptions options) {
    Grid grid(layout, labels, options);
    std::vector<Route> routes;
    for (const Hop& hop : hops) {
        if (std::find_if(routes.begin(), routes.end(), [&](const Route& r) { return r.hop == hop; }) != routes.end()) continue;
        routes.push_back({hop, grid.route(hop)});
    }
    separate_shared_stretches(routes, layout, labels, options.grid);
    return routes;
}

std::vector<Hop> hops_of(const Crossing& crossing) {
    std::vector<Hop> out;
    for (std::size_t i = 1; i < crossing.path.size(); ++i)
        if (crossing.path[i - 1] != crossing.path[i]) out.push_back({crossing.path[i - 1], crossing.path[i], crossing.kind});
    return out;
}

std::vector<Hop> hops_of(std::span<const Crossing> crossings) {
    std::vector<Hop> out;
    for (const Crossing& c : crossings)
        for (const Hop& h : hops_of(c))
            if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
    return out;
}

bool segment_enters(CanvasPoint a, CanvasPoint b, const CanvasRect& r) {
    // Liang-Barsky clipping against the box shrunk a hair, so a segment
    // that only touches the border is outside.
    constexpr float eps = 0.01f;
    const float x0 = r.x + eps, x1 = r.x + r.width - eps, y0 = r.y + eps, y1 = r.y + r.height - eps;
    if (x1 <= x0 || y1 <= y0) return false;
    const float dx = b.x - a.x, dy = b.y - a.y;
    float t0 = 0, t1 = 1;
    const float p[4] = {-dx, dx, -dy, dy};
    const float q[4] = {a.x - x0, x1 - a.x, a.y - y0, y1 - a.y};
    for (int k = 0; k < 4; ++k) {
        if (p[k] == 0) {
            if (q[k] < 0) return false;
            continue;
        }
        const float t = q[k] / p[k];
        if (p[k] < 0) t0 = std::max(t0, t);
        else t1 = std::min(t1, t);
        if (t0 > t1) return false;
    }
    return (t1 - t0) * std::hypot(dx, dy) > eps;
}

bool segments_overlap(CanvasPoint a, CanvasPoint b, CanvasPoint c, CanvasPoint d, float tolerance) {
    const float ux = b.x - a.x, uy = b.y - a.y;
    const float len = std::hypot(ux, uy);
    if (len <= 0) return false;
    const float nx = ux / len, ny = uy / len;
    // Both ends of c-d within `tolerance` of the line through a-b.
    auto off_line = [&](CanvasPoint p) { return std::abs((p.x - a.x) * ny - (p.y - a.y) * nx); };
    if (off_line(c) > tolerance || off_line(d) > tolerance) return false;
    auto along = [&](CanvasPoint p) { return (p.x - a.x) * nx + (p.y - a.y) * ny; };
    const float lo = std::max(0.0f, std::min(along(c), along(d)));
    const float hi = std::min(len, std::max(along(c), along(d)));
    return hi - lo > tolerance;
}

}  // namespace strata::gui
