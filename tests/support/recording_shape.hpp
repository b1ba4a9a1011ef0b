// The part of a lesson run that a shipped recording must keep matching:
// which calls were made, in which order, crossing which layers, and whether
// each succeeded (and with which errno). Everything else — arguments,
// results, timings, facts — belongs to one run and is not compared.
//
// Each suite says what else may legitimately differ between its recording
// and a live run, and why, through a Leeway; the default allows nothing.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/trace_event.hpp"

namespace strata::tests {

struct Leeway {
    // Rewrites the parts of an event name that belong to one run or one
    // machine (a PID, a temporary directory's random suffix, a path). The
    // same function is applied to both sides.
    std::function<std::string(const std::string&)> normalize_name;
    // A run of identical events counts once: how many times a timer ticks
    // or a loop polls before something happens depends on the machine.
    bool collapse_repeats = false;
    // The guest runs several programs and switches between them on timer
    // ticks, so which program's events come first differs from run to run.
    // Then the host's own calls are compared in order, each guest program's
    // events in order (by their "pid" argument, context switches left out:
    // they are the scheduling), and the exits, entries and output of each
    // step as a set of distinct events.
    bool guest_schedules_programs = false;
};

// One line per compared item: "step 2 | syscall | unshare(CLONE_NEWUTS) | runtime > namespaces | ok".
std::vector<std::string> recording_shape(const std::vector<engine::TraceEvent>& events, const Leeway& leeway);

// Where two shapes first differ, with a few lines around it; empty if equal.
std::string first_difference(const std::vector<std::string>& recorded, const std::vector<std::string>& live);

}  // namespace strata::tests
