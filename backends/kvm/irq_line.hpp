// IrqLine: a device's interrupt wire into KVM's in-kernel PIC and IOAPIC.
//
// A device model in the VMM raises an interrupt the way the chip does on
// the board: by driving its IRQ line (KVM_IRQ_LINE with level 1, then 0).
// The PIC latches the rising edge and interrupts the guest on its own.
// set() makes the ioctl only when the level changes, so calling it after
// every exit costs nothing when nothing changed.
#pragma once

#include <cstdint>

#include "backends/kvm/vm.hpp"

namespace strata::kvm {

class IrqLine {
public:
    IrqLine(Vm& vm, std::uint32_t irq) : vm_(vm), irq_(irq) {}
    engine::Result<void> set(bool level);
    std::uint64_t raised() const { return raised_; }

private:
    Vm& vm_;
    std::uint32_t irq_;
    bool level_ = false;
    std::uint64_t raised_ = 0;
};

}  // namespace strata::kvm
