#include "backends/kvm/run_decision.hpp"

#include <variant>

#include <fmt/format.h>

namespace strata::kvm {

namespace {

RunDecision stop(RunStop why_stop, std::string why, std::uint32_t checkpoint = 0) {
    return RunDecision{why_stop, std::move(why), checkpoint};
}

// KVM_RUN was interrupted: by kick(), by the watchdog (a pause or the
// deadline), or by a signal meant for something else, which is no reason to
// stop.
RunDecision after_interrupt(const LoopFacts& facts, const RunLimits& limits) {
    if (facts.kicked) return stop(RunStop::cancelled, "cancelled");
    const bool pausing = limits.pause_after && *limits.pause_after < limits.timeout;
    if (pausing && facts.elapsed >= *limits.pause_after)
        return stop(RunStop::paused,
                    fmt::format("strata paused the guest after {} ms, wherever it was", limits.pause_after->count()));
    if (facts.elapsed >= limits.timeout)
        return stop(RunStop::watchdog, fmt::format("the guest ran for {} ms without finishing; strata's watchdog "
                                                   "stopped it",
                                                   limits.timeout.count()));
    return {};
}

// The guest exited and a device (or the dispatcher) said what it makes of
// that; the exit count bounds a guest that floods a device.
RunDecision after_exit(const ExitOutcome& outcome, std::uint64_t exits, const RunLimits& limits) {
    switch (outcome.action) {
        case ExitAction::pause:
            return stop(RunStop::paused, fmt::format("the guest reported checkpoint {}", outcome.checkpoint),
                        outcome.checkpoint);
        case ExitAction::halt: return stop(RunStop::halted, "the guest executed HLT");
        case ExitAction::stop:
            // A debug exit stops the run because the VMM asked for it, not
            // because the guest failed.
            return stop(std::holds_alternative<DebugExit>(outcome.exit) ? RunStop::debug : RunStop::stopped,
                        outcome.problem);
        case ExitAction::resume: break;
    }
    if (exits >= limits.max_exits)
        return stop(RunStop::exit_limit,
                    fmt::format("the guest caused {} exits without finishing; strata stopped it", exits));
    return {};
}

}  // namespace

std::string_view run_stop_name(RunStop stop) {
    switch (stop) {
        case RunStop::halted: return "halted";
        case RunStop::stopped: return "stopped";
        case RunStop::watchdog: return "watchdog";
        case RunStop::exit_limit: return "exit-limit";
        case RunStop::cancelled: return "cancelled";
        case RunStop::paused: return "paused";
        case RunStop::debug: return "debug";
    }
    return "";
}

RunDecision decide_run(const LoopFacts& facts, const RunLimits& limits) {
    switch (facts.point) {
        case LoopPoint::before_entry:
            if (facts.kicked) return stop(RunStop::cancelled, "cancelled");
            return {};
        case LoopPoint::interrupted: return after_interrupt(facts, limits);
        case LoopPoint::exited:
            if (!facts.exit) return stop(RunStop::stopped, "strata's run loop lost the exit it handled");
            return after_exit(*facts.exit, facts.exits, limits);
    }
    return {};
}

}  // namespace strata::kvm
