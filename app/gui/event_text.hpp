// How the GUI words a recorded event: the call with its decoded arguments,
// its result or errno, and times. Shared by the timeline, the diagram's
// tooltips and the narrative's step summary.
#pragma once

#include <chrono>
#include <string>

#include "engine/trace_event.hpp"

namespace strata::gui {

// "unshare(CLONE_NEWUTS)  flags=CLONE_NEWUTS"
std::string event_call_text(const engine::TraceEvent& event);
// "= 3", or "EPERM (Operation not permitted)" when the call failed.
std::string event_result_text(const engine::TraceEvent& event);
// "1.234 ms", "12 µs", "850 ns"
std::string duration_text(std::chrono::nanoseconds d);
// "vmm → kvm → cpu-virt"
std::string layers_text(const engine::TraceEvent& event);

}  // namespace strata::gui
