// Vcpu: one virtual CPU (the fd KVM_CREATE_VCPU returned) and its shared
// kvm_run area, where KVM says why the guest stopped.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "backends/kvm/exit_stats.hpp"
#include "backends/kvm/ioctl.hpp"
#include "backends/kvm/registers.hpp"
#include "backends/sys/fd.hpp"
#include "backends/sys/mapping.hpp"

namespace strata::kvm {

// KVM_TRANSLATE's answer: where a guest-virtual address leads under the
// vCPU's current page tables.
struct Translation {
    std::uint64_t physical = 0;
    bool valid = false, writeable = false, usermode = false;
};

// KVM_SET_GUEST_DEBUG: what makes the vCPU exit with KVM_EXIT_DEBUG.
struct GuestDebug {
    bool enable = false;       // off: plain running again
    bool single_step = false;  // exit after every guest instruction (RFLAGS.TF, owned by KVM)
    // Hardware execute breakpoints in DR0..DR3 (linear addresses), at most 4.
    std::array<std::uint64_t, 4> breakpoints{};
    unsigned breakpoint_count = 0;
};

class Vcpu {
public:
    Vcpu(Recorder& recorder, int id, sys::Fd fd, sys::Mapping run);

    int id() const { return id_; }
    int fd() const { return fd_.get(); }
    Recorder& recorder() const { return *recorder_; }

    Result<Registers> get_registers();
    Result<void> set_registers(const Registers& regs);
    Result<SpecialRegisters> get_special_registers();
    Result<void> set_special_registers(const SpecialRegisters& sregs);

    // The kvm_run page, as bytes (exit decoding reads it, device handlers
    // write IN data into it).
    std::span<std::uint8_t> run_page() const { return run_.bytes(); }
    // kvm_run.immediate_exit: when set, KVM_RUN returns EINTR at once.
    // Safe to call from a signal handler or another thread.
    void request_immediate_exit(bool on);

    // One KVM_RUN: enters the guest and returns when it exits. Recorded as a
    // VM entry; the exit itself is recorded by the run loop.
    Result<void> enter();

    // KVM_TRANSLATE (translate.cpp): a guest-virtual address through the
    // guest's page tables, as the vCPU's MMU would.
    Result<Translation> translate(std::uint64_t linear_address);
    // KVM_SET_GUEST_DEBUG (guest_debug.cpp).
    Result<void> set_guest_debug(const GuestDebug& debug);

    // Interrupts (interrupts.cpp).
    // KVM_INTERRUPT: queue external interrupt `vector` for injection at the
    // next entry. Only without an in-kernel irqchip, and only when the guest
    // can take it (ready_for_interrupt_injection()).
    Result<void> inject_interrupt(std::uint8_t vector);
    // kvm_run.request_interrupt_window: exit with KVM_EXIT_IRQ_WINDOW_OPEN
    // as soon as the guest can take an interrupt.
    void request_interrupt_window(bool on);
    // From kvm_run after an exit: the guest has IF set and no interrupt
    // shadow, and KVM has no interrupt of its own queued.
    bool ready_for_interrupt_injection() const;
    bool interrupts_enabled() const;  // kvm_run.if_flag
    // KVM_GET_LAPIC / KVM_SET_LAPIC: program LINT0 as ExtINT (and LINT1 as
    // NMI), which the in-kernel PIC's interrupts need to reach the vCPU.
    Result<void> route_pic_through_lapic();

    // KVM's own statistics for this vCPU (exit_stats.hpp), opened by
    // Vm::create_vcpu: null where this KVM offers none, and then
    // stats_missing() says why.
    const VcpuStats* stats() const { return stats_ ? &*stats_ : nullptr; }
    const std::string& stats_missing() const { return stats_missing_; }
    void attach_stats(Result<VcpuStats> stats);

private:
    Recorder* recorder_;
    int id_;
    sys::Fd fd_;
    sys::Mapping run_;
    std::optional<VcpuStats> stats_;
    std::string stats_missing_;
};

}  // namespace strata::kvm
