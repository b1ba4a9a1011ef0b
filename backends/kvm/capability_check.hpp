// Asking KVM whether it can do something before a lesson step relies on
// it (KVM_CHECK_EXTENSION), so that a missing capability makes the step say
// which one and skip honestly instead of failing somewhere obscure.
#pragma once

#include <string>

#include "backends/kvm/system.hpp"

namespace strata::kvm {

// The capabilities lessons check by name; numbers stay inside backends/kvm.
enum class Capability {
    readonly_mem,     // KVM_CAP_READONLY_MEM
    ioeventfd,        // KVM_CAP_IOEVENTFD
    irqchip,          // KVM_CAP_IRQCHIP
    pit2,             // KVM_CAP_PIT2
    set_guest_debug,  // KVM_CAP_SET_GUEST_DEBUG
    set_tss_addr,     // KVM_CAP_SET_TSS_ADDR
    immediate_exit,   // KVM_CAP_IMMEDIATE_EXIT
};

struct CapabilityCheck {
    bool present = false;
    int value = 0;             // what KVM_CHECK_EXTENSION answered
    std::string name;          // "KVM_CAP_READONLY_MEM"
    std::string used_for;      // from the shared table
    // "KVM_CAP_READONLY_MEM is missing on this host: <used_for> is skipped"
    std::string skip_message() const;
};

// One traced KVM_CHECK_EXTENSION.
engine::Result<CapabilityCheck> check_capability(Kvm& kvm, Capability capability);

}  // namespace strata::kvm
