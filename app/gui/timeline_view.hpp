// The event timeline: every recorded event of the run with its time,
// duration, layers, call and result; filter and search; the current step's
// events emphasised; failed calls red with their errno and explanation;
// export to a Chrome trace-event file that Perfetto opens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <imgui_internal.h>  // ImRect

#include "app/gui/command.hpp"
#include "app/gui/theme.hpp"
#include "app/gui/timeline_filter.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// One line of the table: an event, or under a failed call the line saying
// why (ImGuiListClipper needs lines of one height).
struct TimelineLine {
    std::size_t event;
    bool why;
};

// The table's lines, kept from frame to frame: a frame filters only the
// events recorded since the one before, so a run of 100 000 events costs a
// frame what the rows on screen cost. Made afresh when the run (its event
// log), the filter or the current step changes.
struct TimelineLines {
    std::uint64_t log = 0;
    TimelineFilter filter;
    int current_step = -2;
    std::size_t filtered = 0;  // events looked at so far
    std::size_t rows = 0;      // events that matched
    std::vector<TimelineLine> lines;
};

struct TimelineViewState {
    TimelineFilter filter;
    std::string export_path = "strata-trace.json";
    std::string export_message;   // result of the last export, shown once
    std::size_t seen_events = 0;  // to follow new events as they arrive
    std::size_t rows_shown = 0;   // after filtering, this frame (for tests)
    std::optional<float> call_width;  // the call column's room this frame, when a row showed (for tests)
    // The event under the mouse (its sequence number): the diagram draws
    // its path, whichever step it belongs to.
    std::optional<std::uint64_t> hovered;
    TimelineLines lines;
    // Where this frame drew "Export…" and, while its popup is open, "Save"
    // (the browser edition's tests click them).
    std::optional<ImRect> export_button;
    std::optional<ImRect> save_button;
};

Commands timeline_view(const engine::Snapshot* snapshot, const Palette& palette, TimelineViewState& state);

}  // namespace strata::gui
