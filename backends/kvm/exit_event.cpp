#include "backends/kvm/exit_event.hpp"

#include <utility>

namespace strata::kvm {

engine::TraceEvent exit_event(ExitOutcome& outcome, std::chrono::nanoseconds handled,
                              std::chrono::nanoseconds duration) {
    engine::TraceEvent event;
    event.kind = engine::EventKind::vm_exit;
    event.name = outcome.name;
    event.args = std::move(outcome.args);
    event.layers = outcome.layers;
    event.start = handled;
    event.duration = duration;
    event.detail = outcome.problem;
    return event;
}

ExitOutcome handle_exit(Vcpu& vcpu, Devices& devices) {
    auto& recorder = vcpu.recorder();
    const auto handled = recorder.now();
    recorder.hold();
    ExitOutcome outcome = dispatch_exit(vcpu.run_page(), devices);
    recorder.release_after(exit_event(outcome, handled, recorder.now() - handled));
    return outcome;
}

}  // namespace strata::kvm
