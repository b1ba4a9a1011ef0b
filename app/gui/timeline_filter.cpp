#include "app/gui/timeline_filter.hpp"

#include <algorithm>
#include <cctype>

#include "app/gui/event_text.hpp"

namespace strata::gui {

namespace {

bool contains_folded(const std::string& haystack, const std::string& needle) {
    auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return it != haystack.end();
}

}  // namespace

bool TimelineFilter::matches(const engine::TraceEvent& event, int current_step) const {
    if (layer && !event.touches(*layer)) return false;
    if (current_step_only && event.step != current_step) return false;
    if (failed_only && !event.failed()) return false;
    if (search.empty()) return true;
    return contains_folded(event_call_text(event), search) || contains_folded(event_result_text(event), search) ||
           contains_folded(event.detail, search);
}

void filter_events_from(const engine::EventLogView& events, const TimelineFilter& filter, int current_step,
                        std::size_t from, std::vector<std::size_t>& out) {
    for (std::size_t i = from; i < events.size(); ++i)
        if (filter.matches(events[i], current_step)) out.push_back(i);
}

std::vector<std::size_t> filter_events(const engine::EventLogView& events, const TimelineFilter& filter,
                                       int current_step) {
    std::vector<std::size_t> out;
    filter_events_from(events, filter, current_step, 0, out);
    return out;
}

}  // namespace strata::gui
