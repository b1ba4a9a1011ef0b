// Vm: one virtual machine (the fd KVM_CREATE_VM returned). Owns nothing
// but its fd; guest memory and vCPUs are separate owners so a lesson can
// show each being made.
#pragma once

#include <cstdint>

#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/ioctl.hpp"
#include "backends/sys/fd.hpp"

namespace strata::kvm {

class Kvm;
class Vcpu;

class Vm {
public:
    Vm(Kvm& kvm, sys::Fd fd);

    int fd() const { return fd_.get(); }
    Recorder& recorder() const { return *recorder_; }

    // KVM_SET_USER_MEMORY_REGION: makes `memory` the guest's RAM at its
    // guest base, in memory slot `slot`. `flags`: KVM_MEM_READONLY,
    // KVM_MEM_LOG_DIRTY_PAGES, or 0.
    Result<void> map_memory(std::uint32_t slot, const GuestMemory& memory, std::uint32_t flags = 0);
    // KVM_CREATE_VCPU, then mmap() of its kvm_run area.
    Result<Vcpu> create_vcpu(int id);

    // interrupts.cpp: the in-kernel interrupt controllers (PIC, IOAPIC and a
    // LAPIC per vCPU) and timer (the 8254 PIT). Both before creating vCPUs.
    Result<void> create_irqchip();
    Result<void> create_pit2();

private:
    Recorder* recorder_;
    Kvm* kvm_;
    sys::Fd fd_;
};

}  // namespace strata::kvm
