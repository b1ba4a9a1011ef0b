// VcpuRunner: the VMM's run loop for one vCPU.
//
// KVM_RUN, decode the exit, hand it to a device, again — until the guest
// halts, fails, or strata stops it. A watchdog (a POSIX timer that signals
// the vCPU thread, whose handler sets kvm_run.immediate_exit) bounds every
// run, so a guest that never exits cannot hang strata; kick() does the same
// from another thread for Cancel. Every entry and exit is recorded.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <pthread.h>

#include "backends/kvm/device.hpp"
#include "backends/kvm/exit_dispatch.hpp"
#include "backends/kvm/registers.hpp"
#include "backends/kvm/run_decision.hpp"
#include "backends/kvm/vcpu.hpp"

namespace strata::kvm {

struct RunReport {
    RunStop stop = RunStop::halted;
    std::string description;   // for a learner: what happened, with RIP
    std::uint64_t exits = 0;
    std::map<std::string, std::uint64_t> exits_by_kind;  // "IO out", "HLT", ...
    std::optional<Registers> registers;  // at the stop, when they could be read
    std::chrono::nanoseconds in_guest{};  // total time inside KVM_RUN
    std::optional<ExitInfo> last_exit;    // the exit that ended the run, if one did
    std::uint32_t checkpoint = 0;         // for paused: the number the guest reported
    // KVM's own count of the run's VM exits (exit_stats.hpp), or why there is none.
    std::optional<KvmExitCounts> kvm;
    std::string kvm_missing;

    bool ok() const { return stop == RunStop::halted || stop == RunStop::paused; }
};

class VcpuRunner {
public:
    VcpuRunner(Vcpu& vcpu, Devices& devices);

    // Runs until a stop. Errors are reserved for KVM_RUN itself failing
    // (not for what the guest did, which is in the report).
    engine::Result<RunReport> run(RunLimits limits = {});
    // Stops a run in progress (or the next one) within a bounded time.
    // Thread-safe; the Session's cancel calls it.
    void kick();
    // Called on the vCPU thread before every KVM_RUN (after the previous
    // exit was handled): where a VMM without an in-kernel interrupt
    // controller injects interrupts (KVM_INTERRUPT) or asks for the
    // interrupt window.
    void set_before_entry(std::function<void()> hook) { before_entry_ = std::move(hook); }

private:
    std::function<void()> before_entry_;
    Vcpu& vcpu_;
    Devices& devices_;
    std::atomic<bool> kicked_{false};
    std::atomic<bool> running_{false};
    pthread_t thread_{};
};

}  // namespace strata::kvm
