// The VM-level state a tinyos guest depends on, outside its vCPU: KVM's
// in-kernel interrupt controllers (the two 8259 PICs and the IOAPIC), its
// 8254 timer (the PIT that ticks tinyos's scheduler) and the VM's clock.
// Each piece is the kernel's own structure as bytes, like VcpuState.
#pragma once

#include "backends/kvm/vcpu_state.hpp"

namespace strata::kvm {

struct VmState {
    Bytes pic_master;  // struct kvm_irqchip, chip_id 0 (KVM_IRQCHIP_PIC_MASTER)
    Bytes pic_slave;   // struct kvm_irqchip, chip_id 1
    Bytes ioapic;      // struct kvm_irqchip, chip_id 2
    Bytes pit;         // struct kvm_pit_state2
    Bytes clock;       // struct kvm_clock_data
};

// KVM_GET_IRQCHIP x3, KVM_GET_PIT2, KVM_GET_CLOCK.
Result<VmState> save_vm(Vm& vm);
// Into a VM that already has its irqchip and PIT (KVM_CREATE_IRQCHIP,
// KVM_CREATE_PIT2) and whose vCPU state is restored: the controllers, the
// timer, and last the clock, right before the guest runs again.
Result<void> restore_vm(Vm& vm, const VmState& state);

struct VmStateSummary {
    std::uint8_t pic_irr = 0, pic_imr = 0, pic_isr = 0, pic_vector_base = 0;  // the master PIC
    std::uint32_t pit_reload = 0;  // channel 0's count: 1193182 / Hz
    std::uint8_t pit_mode = 0;
    std::uint64_t clock_ns = 0;    // kvmclock, nanoseconds since the VM was made
};
Result<VmStateSummary> summarize(const VmState& state);

struct VmPieceSizes {
    std::size_t irqchip, pit, clock;
};
VmPieceSizes vm_piece_sizes();
// decode_snapshot's check that each irqchip piece names the chip it claims to be.
bool irqchip_piece_is(const Bytes& piece, std::uint32_t chip_id);

}  // namespace strata::kvm
