// TraceEvents as JSON: one object per event for `strata run --json` (JSON
// Lines), recordings, and the Chrome trace-event export that Perfetto opens.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/trace_event.hpp"

namespace strata::engine {

nlohmann::json event_to_json(const TraceEvent& event);
// Validates every field; a malformed object gives an Error naming the field.
Result<TraceEvent> event_from_json(const nlohmann::json& json);

// Chrome trace-event format: {"traceEvents":[{"ph":"X",...}, ...]}
nlohmann::json to_chrome_trace(const std::vector<TraceEvent>& events, const std::string& lesson_id);

}  // namespace strata::engine
