// The run loop's one decision: enter the guest again, or stop, and why.
//
// VcpuRunner does the system calls (KVM_RUN, the watchdog's timer, the
// kick's signal); what it makes of each moment is this pure function of
// what it knows then, so every way a run can end is unit-tested without a
// vCPU. Firecracker's run loop is built the same way around its
// VcpuEmulation outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "backends/kvm/exit_dispatch.hpp"

namespace strata::kvm {

struct RunLimits {
    std::chrono::milliseconds timeout{2000};  // wall time for the whole run
    std::uint64_t max_exits = 100'000;        // a guest flooding a device
    // Set (and shorter than timeout): strata stops the guest wherever it is
    // after this long, and the run ends as RunStop::paused with checkpoint
    // 0: a pause at a moment of strata's choosing, not the guest's.
    std::optional<std::chrono::milliseconds> pause_after;
};

enum class RunStop {
    halted,     // HLT: the normal end of a simple guest
    stopped,    // an exit the guest cannot continue from (shutdown, error, ...)
    watchdog,   // the timeout passed
    exit_limit, // too many exits
    cancelled,  // kick()
    paused,     // the guest reported a checkpoint (CheckpointPort), or pause_after passed; run again to go on
    debug,      // a debug exit the VMM asked for (single step, breakpoint)
};
std::string_view run_stop_name(RunStop stop);

// Where in the loop the decision is made.
enum class LoopPoint {
    before_entry,  // about to call KVM_RUN
    interrupted,   // KVM_RUN returned EINTR: the watchdog's signal, kick()'s, or a stray one
    exited,        // KVM_RUN returned an exit, which the VMM has handled
};

// What the loop knows at that point.
struct LoopFacts {
    LoopPoint point = LoopPoint::before_entry;
    const ExitOutcome* exit = nullptr;  // for exited: the handled exit
    bool kicked = false;                // kick() was called
    std::chrono::nanoseconds elapsed{}; // for interrupted: since the run began
    std::uint64_t exits = 0;            // exits to the VMM so far, this one included
};

struct RunDecision {
    std::optional<RunStop> stop;   // empty: enter the guest again
    std::string why;               // for a stop: what happened, for a learner
    std::uint32_t checkpoint = 0;  // for paused: the guest's number, 0 for pause_after

    bool keep_running() const { return !stop; }
};

RunDecision decide_run(const LoopFacts& facts, const RunLimits& limits);

}  // namespace strata::kvm
