// The layer diagram: bands for the strata, a node per layer, lit when the
// current step's recorded events touched it, and each event's path through
// the layers drawn and animated in the order the event lists them.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include "app/gui/command.hpp"
#include "app/gui/diagram_layout.hpp"
#include "app/gui/diagram_model.hpp"
#include "app/gui/theme.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// What the view keeps between frames: only the animation clock.
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
};

// Where things were drawn this frame, for tests and screenshots.
struct DiagramFrame {
    std::vector<std::pair<engine::LayerId, ImRect>> nodes;
    std::vector<std::pair<engine::LayerId, std::size_t>> counters;  // badges drawn
    bool animating = false;  // the caller keeps redrawing while true
    std::optional<ImRect> replay_banner;  // the replay label over the diagram, when a replay
    std::vector<std::pair<std::string, ImRect>> lanes;  // lane captions drawn
    std::vector<engine::LayerId> highlighted;  // the highlighted event's path, as drawn

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
