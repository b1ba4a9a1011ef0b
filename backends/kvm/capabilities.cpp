#include "backends/kvm/capabilities.hpp"

#include <array>

#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

namespace {
constexpr std::array kCapabilities = {
    CapabilityInfo{KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", "guest RAM from the VMM's memory (every VM lesson)"},
    CapabilityInfo{KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", "the watchdog and Cancel stop a running vCPU"},
    CapabilityInfo{KVM_CAP_SET_GUEST_DEBUG, "KVM_CAP_SET_GUEST_DEBUG", "vm/single-step"},
    CapabilityInfo{KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM", "vm/devices-are-exits: a read-only slot"},
    CapabilityInfo{KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD", "vm/devices-are-exits: the paravirtual doorbell"},
    CapabilityInfo{KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP", "vm/interrupts: the in-kernel interrupt controller"},
    CapabilityInfo{KVM_CAP_PIT2, "KVM_CAP_PIT2", "vm/interrupts: the in-kernel timer"},
    CapabilityInfo{KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR", "protected and long mode guests"},
    CapabilityInfo{KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", "vm/tiny-os: the guest's CPUID"},
    CapabilityInfo{KVM_CAP_XSAVE, "KVM_CAP_XSAVE", "vm/snapshot: FPU/SSE state"},
    CapabilityInfo{KVM_CAP_XCRS, "KVM_CAP_XCRS", "vm/snapshot: extended control registers"},
    CapabilityInfo{KVM_CAP_VCPU_EVENTS, "KVM_CAP_VCPU_EVENTS", "vm/snapshot: pending events"},
    CapabilityInfo{KVM_CAP_DEBUGREGS, "KVM_CAP_DEBUGREGS", "vm/snapshot: debug registers"},
    CapabilityInfo{KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE", "vm/snapshot: run state"},
};
}  // namespace

std::span<const CapabilityInfo> lesson_capabilities() { return kCapabilities; }

}  // namespace strata::kvm
