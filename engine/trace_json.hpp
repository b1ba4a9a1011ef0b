// TraceEvents as JSON: one object per event for `strata run --json` (JSON
// Lines), recordings, and the Chrome trace-event export that Perfetto opens.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/event_log.hpp"
#include "engine/lesson.hpp"
#include "engine/trace_event.hpp"

namespace strata::engine {

nlohmann::json event_to_json(const TraceEvent& event);
// Validates every field; a malformed object gives an Error naming the field.
Result<TraceEvent> event_from_json(const nlohmann::json& json);

// Chrome's Trace Event Format, which Perfetto, speedscope and Chromium
// DevTools open: {"traceEvents":[...]}. Metadata (M) names the process
// after the lesson and each thread "step N: title"; each step gets one
// span (X) enclosing its calls; an event is a span with its detail and a
// labelled result in args, or an instant (i) when it took no time.
nlohmann::json to_chrome_trace(const EventLogView& events, const Lesson& lesson);

}  // namespace strata::engine
