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
};

// Indices into `events` of those that match, in order.
std::vector<std::size_t> filter_events(const std::vector<engine::TraceEvent>& events, const TimelineFilter& filter,
                                       int current_step);

}  // namespace strata::gui
