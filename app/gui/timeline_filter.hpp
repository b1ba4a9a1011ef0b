// Which events the timeline lists: a pure predicate over recorded events,
// tested without drawing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/snapshot.hpp"

namespace strata::gui {

struct TimelineFilter {
    std::string search;                   // case-insensitive, in call, args, result, detail
    std::optional<engine::LayerId> layer;  // set by clicking a diagram node
    bool current_step_only = false;
    bool failed_only = false;

    bool matches(const engine::TraceEvent& event, int current_step) const;
    bool active() const { return !search.empty() || layer || current_step_only || failed_only; }
    bool operator==(const TimelineFilter&) const = default;
};

// Indices into `events` of those that match, in order.
std::vector<std::size_t> filter_events(const engine::EventLogView& events, const TimelineFilter& filter,
                                       int current_step);
// The same for the events from position `from` on, appended to `out`: the
// timeline filters only what arrived since its last frame.
void filter_events_from(const engine::EventLogView& events, const TimelineFilter& filter, int current_step,
                        std::size_t from, std::vector<std::size_t>& out);

}  // namespace strata::gui
