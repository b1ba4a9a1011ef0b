// IrqInjector: the VMM as the guest's interrupt controller.
//
// Without an in-kernel irqchip nothing in KVM raises interrupts: the VMM
// decides when and injects them with KVM_INTERRUPT. It may only do so
// when the guest can take one (IF set, no interrupt shadow after STI or
// MOV SS) — kvm_run.ready_for_interrupt_injection says so after every exit.
// When it cannot, it sets kvm_run.request_interrupt_window and KVM exits
// with KVM_EXIT_IRQ_WINDOW_OPEN the moment the guest becomes able.
//
// Install before_entry() as the run loop's hook.
#pragma once

#include <cstdint>

#include "backends/kvm/vcpu.hpp"

namespace strata::kvm {

class IrqInjector {
public:
    // Injects `vector` `count` times, one at a time.
    IrqInjector(Vcpu& vcpu, std::uint8_t vector, std::uint32_t count);

    // Called before each KVM_RUN.
    void before_entry();

    std::uint32_t injected() const { return injected_; }
    std::uint32_t pending() const { return pending_; }
    // How often the VMM had an interrupt but the guest could not take it.
    std::uint32_t window_requests() const { return window_requests_; }
    // KVM_INTERRUPT failures (kept, not thrown: the run goes on).
    std::uint32_t failures() const { return failures_; }

private:
    Vcpu& vcpu_;
    std::uint8_t vector_;
    std::uint32_t pending_, injected_ = 0, window_requests_ = 0, failures_ = 0;
    bool first_entry_ = true;
    bool window_requested_ = false;
};

}  // namespace strata::kvm
