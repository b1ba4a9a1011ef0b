#include "backends/kvm/irq_injector.hpp"

namespace strata::kvm {

IrqInjector::IrqInjector(Vcpu& vcpu, std::uint8_t vector, std::uint32_t count)
    : vcpu_(vcpu), vector_(vector), pending_(count) {}

void IrqInjector::before_entry() {
    if (pending_ == 0) {
        if (window_requested_) vcpu_.request_interrupt_window(false);
        window_requested_ = false;
        return;
    }
    // Before the first KVM_RUN kvm_run holds no answer yet: ask for the window.
    if (!first_entry_ && vcpu_.ready_for_interrupt_injection()) {
        if (vcpu_.inject_interrupt(vector_)) {
            --pending_;
            ++injected_;
        } else {
            ++failures_;
        }
        vcpu_.request_interrupt_window(false);
        window_requested_ = false;
        return;
    }
    first_entry_ = false;
    if (!window_requested_) ++window_requests_;
    vcpu_.request_interrupt_window(true);
    window_requested_ = true;
}

}  // namespace strata::kvm
