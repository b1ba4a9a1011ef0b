// Machine: what every lesson of the vm track builds before the interesting
// part — /dev/kvm, a VM, memory slots, one vCPU, the device buses — and the
// run loop wired to the step's Context (cancel, exit counts in Facts).
//
// A lesson keeps one in its state. Members are declared so that they are
// released in the right order: the vCPU first, then the VM, its memory,
// and /dev/kvm last.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>

#include "backends/kvm/capability_check.hpp"
#include "backends/kvm/device.hpp"
#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vcpu_runner.hpp"
#include "backends/kvm/vm.hpp"
#include "engine/lesson.hpp"

namespace strata::lessons::vm {

struct Machine {
    std::optional<kvm::Kvm> kvm;
    std::deque<kvm::GuestMemory> memory;  // deque: references stay valid
    std::optional<kvm::Vm> vm;
    std::optional<kvm::Vcpu> vcpu;
    kvm::Devices devices;

    // open /dev/kvm (checking API version 12) and KVM_CREATE_VM.
    engine::Result<void> open(engine::Context& ctx);
    // mmap + KVM_SET_USER_MEMORY_REGION (flags: kvm::kMemReadonly, ...).
    engine::Result<kvm::GuestMemory*> add_memory(engine::Context& ctx, std::uint32_t slot, std::uint64_t guest_base,
                                                 std::size_t size, std::uint32_t flags = 0);
    engine::Result<void> create_vcpu();
    engine::Result<kvm::CapabilityCheck> check(kvm::Capability capability);

    // Runs the vCPU until it stops, with Cancel wired and the exits counted
    // into the step's facts under `label`. `hook` runs before each entry.
    engine::Result<kvm::RunReport> run(engine::Context& ctx, const std::string& label, kvm::RunLimits limits = {},
                                       std::function<void()> hook = {});

    // The RAM slot that holds `gpa` (bytes and host address for inspectors).
    kvm::GuestMemory* ram_for(std::uint64_t gpa);
};

// The run's exits into the step's facts, under `label` ("timer: ..."; none
// when empty): the returns of KVM_RUN strata handled ("exits to the VMM",
// and by kind), and, where KVM keeps statistics, its own count of VM exits
// and how many of them it handled without returning ("VM exits KVM handled
// itself"). Where it keeps none, a fact says so.
void set_exit_facts(engine::Context& ctx, const std::string& label, const kvm::RunReport& report);

// "23 returns of KVM_RUN; KVM counted 23 VM exits, 0 of them handled in
// the kernel", or, without statistics, "... (KVM keeps no exit counters here)".
std::string exit_summary(const kvm::RunReport& report);

// A run that should have paused at `checkpoint` (or halted, when
// `checkpoint` is 0): an error describing what the guest did instead.
engine::Result<void> expect_stop(const kvm::RunReport& report, std::uint32_t checkpoint);

// The VM exits recorded at or after event `from`, by the device that took
// them (its "device" argument; "(no device: <exit>)" for one none took).
std::map<std::string, std::uint64_t> exits_by_device(engine::Context& ctx, std::size_t from);

}  // namespace strata::lessons::vm
