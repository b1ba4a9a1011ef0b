// The part of a lesson run that a shipped recording must keep matching:
// which calls were made, in which order, crossing which layers, and whether
// each succeeded (and with which errno). Everything else — arguments,
// results, timings, facts — belongs to one run and is not compared.
//
// One rule for every suite: strata's own calls (ioctls, system calls,
// processes, notes) match one for one, in order. What the guest drives
// (VM entries and exits, its output, the events its kernel reports)
// matches exactly too, unless a suite's Leeway says what may differ for
// its lessons and why; the default allows nothing.
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
    // A run of identical guest-driven events counts once: how many times
    // a timer ticks or a loop polls before something happens depends on
    // the machine. strata's own calls are never folded.
    bool collapse_repeats = false;
    // The guest runs programs of its own and switches between them on
    // timer ticks, which land at other instructions in every run, so how
    // often each does something before strata's next call, and in which
    // interleaving, differs, and so does which of strata's steps a
    // program's event falls in. Then between two of strata's calls what
    // the guest did counts as the set of distinct events in that stretch,
    // and each guest program's own events (by their "pid" argument,
    // context switches left out: they are the scheduling) must come in
    // order over the whole run.
    bool guest_runs_freely = false;
    // Recorded on another kind of KVM (hardware-assisted, software-nested
    // PVM): the hypervisor decides which exits reach the VMM, and so how
    // often KVM_RUN returns, and the kernel whether KVM publishes its own
    // counters. Then only strata's own calls are compared — system calls,
    // ioctls other than KVM_RUN, processes, kernel files read — which no
    // hypervisor changes.
    bool strata_calls_only = false;
};

// One line per compared item: "step 2 | syscall | unshare(CLONE_NEWUTS) | runtime > namespaces | ok";
// a guest stretch is its distinct lines, sorted, each marked "guest, any order";
// then, with guest_runs_freely, each program's events (without their step) marked "guest pid N".
std::vector<std::string> recording_shape(const std::vector<engine::TraceEvent>& events, const Leeway& leeway);

// Where two shapes first differ, with a few lines around it; empty if equal.
std::string first_difference(const std::vector<std::string>& recorded, const std::vector<std::string>& live);

}  // namespace strata::tests
