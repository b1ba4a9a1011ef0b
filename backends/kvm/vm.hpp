// Vm: one virtual machine (the fd KVM_CREATE_VM returned). Owns nothing
// but its fd; guest memory and vCPUs are separate owners so a lesson can
// show each being made.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

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
    // KVM_CHECK_EXTENSION on the VM fd: some answers depend on the VM
    // (KVM_CAP_XSAVE2: the size of this VM's XSAVE area). `name` labels the event.
    Result<int> check_extension(int capability, std::string_view name);

    // dirty_log.cpp: KVM_GET_DIRTY_LOG of `slot`, which must have been
    // mapped with KVM_MEM_LOG_DIRTY_PAGES: one bit per 4 KiB page the guest
    // wrote since the last call (the call also clears them).
    Result<std::vector<std::uint64_t>> get_dirty_log(std::uint32_t slot, std::size_t pages);

    // interrupts.cpp: the in-kernel interrupt controllers (PIC, IOAPIC and a
    // LAPIC per vCPU) and timer (the 8254 PIT). Both before creating vCPUs.
    Result<void> create_irqchip();
    // `speaker_port`: KVM also answers port 0x61 (the PIT's channel-2
    // gate and output, which Linux polls to calibrate its clocks) instead
    // of exiting to the VMM for every read (KVM_PIT_SPEAKER_DUMMY).
    Result<void> create_pit2(bool speaker_port = false);

private:
    Recorder* recorder_;
    Kvm* kvm_;
    sys::Fd fd_;
};

}  // namespace strata::kvm
