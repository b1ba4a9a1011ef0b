// The layer diagram: bands for the strata, a node per layer, lit when the
// current step's recorded events touched it, and each event's path through
// the layers drawn and animated in the order the event lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include "app/gui/command.hpp"
#include "app/gui/diagram_layout.hpp"
#include "app/gui/diagram_model.hpp"
#include "app/gui/diagram_routes.hpp"
#include "app/gui/theme.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// The wires routed for one step, kept until what they were routed around changes.
struct RouteCache {
    const engine::Lesson* lesson = nullptr;
    int step = -2;
    std::optional<std::uint64_t> highlight;
    std::vector<Hop> hops;
    std::vector<CanvasRect> labels;
    std::vector<Route> routes;
};

// The current step's model and, for each hop its events take, which of
// them take it (ascending): kept from frame to frame and extended with the
// events recorded since, so a frame costs what it draws, not the length of
// the run. `events` keeps the events the model points at alive.
struct ModelCache {
    std::uint64_t log = 0;
    int step = -2;
    std::size_t seen = 0;  // events of the log looked at so far
    engine::EventLogView events;
    DiagramModel model;
    std::vector<Hop> hops;                          // distinct, in first-taken order
    std::vector<std::vector<std::size_t>> takers;   // per hop: indices into model.crossings
};

// What the view keeps between frames: the animation clock, the badges'
// choice, the model and the routed wires.
struct DiagramViewState {
    const engine::Lesson* lesson = nullptr;
    int step = -2;             // the step the animation is for
    double started = 0;        // when it began (seconds, ImGui time)
    bool loop = false;         // replay forever (the benchmark)
    bool still = false;        // no animation: paths drawn as at its end
    float line_scale = 1.0f;   // thicker paths for a projector (demo mode)
    // An event to show on its own (a timeline row under the mouse), by
    // sequence number: its path is drawn bold over the rest, in any step.
    std::optional<std::uint64_t> highlight;
    // Badges count this step's events; the legend (a click) switches them
    // to the whole run so far.
    bool cumulative = false;
    ModelCache model;
    RouteCache routes;
};

// A piece of text the diagram drew, where, and the box it had to stay in.
struct DiagramText {
    std::string text;
    ImRect rect;       // the text's own extent
    ImRect bounds;     // where it was allowed to be (its box, or the diagram)
    float size = 0;    // font size it was drawn at
    ImU32 colour = 0;
    ImU32 background = 0;  // what is under it, for contrast
};

// Where things were drawn this frame, for tests and screenshots.
struct DiagramFrame {
    std::vector<std::pair<engine::LayerId, ImRect>> nodes;
    std::vector<std::pair<engine::LayerId, std::size_t>> counters;  // badges drawn
    bool animating = false;  // the caller keeps redrawing while true
    std::optional<ImRect> replay_banner;  // the replay label over the diagram, when a replay
    std::vector<std::pair<std::string, ImRect>> lanes;  // lane captions drawn
    std::vector<engine::LayerId> highlighted;  // the highlighted event's path, as drawn
    std::vector<DiagramText> texts;            // every text drawn, badges included
    std::vector<std::pair<engine::LayerId, ImRect>> badges;  // count badges' boxes
    struct Wire {
        Hop hop;
        std::vector<ImVec2> points;
    };
    std::vector<Wire> wires;  // the routed crossings, as drawn
    std::string legend;       // what the badges count, as the legend says it

    std::optional<ImRect> node_rect(engine::LayerId layer) const;
};

// Draws into the current window's remaining content region. Returns the
// commands the user gave (a click on a node filters the timeline by it).
Commands diagram_view(const engine::Snapshot* snapshot, const DiagramLayout& layout, const Palette& palette,
                      DiagramViewState& state, std::optional<engine::LayerId> filter, double now,
                      DiagramFrame* frame = nullptr);

// Seconds the animation of `crossings` events takes (each event gets a
// slice; long runs are compressed so a step never animates for long).
double animation_length(std::size_t crossings);

}  // namespace strata::gui
