// A return of KVM_RUN as the trace shows it: one vm-exit event, named and
// routed by dispatch_exit, listed before what the devices did about it.
// The run loop and the benchmarks that put a number on strata's cost of an
// exit handle exits through this one function, so the benchmarks time the
// very work a lesson's exits do.
#pragma once

#include <chrono>

#include "backends/kvm/device.hpp"
#include "backends/kvm/exit_dispatch.hpp"
#include "backends/kvm/vcpu.hpp"
#include "engine/trace_event.hpp"

namespace strata::kvm {

// The vm-exit event for `outcome`: its name, layers, problem as detail, and
// its args, which move out of `outcome` (nothing reads them after). Timed as
// engine::Span times a call: from `handled`, when the VMM had the exit, for
// `duration`.
engine::TraceEvent exit_event(ExitOutcome& outcome, std::chrono::nanoseconds handled,
                              std::chrono::nanoseconds duration);

// Handles the exit waiting in `vcpu`'s kvm_run page with `devices` and
// records it on the vCPU's recorder: the exit's event first, then the events
// the devices recorded while handling it (Recorder::hold), though the
// exit's event is complete only after them.
ExitOutcome handle_exit(Vcpu& vcpu, Devices& devices);

}  // namespace strata::kvm
