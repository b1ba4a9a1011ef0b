// LinuxPc: the devices of a PC that a stock Linux kernel looks for, as
// strata's VMM gives them to it — COM1 (with its interrupt line and the
// console watcher that turns Linux's messages into milestones), the CMOS
// clock, PCI configuration with no bus behind it, port 0x80 and the i8042
// through which Linux resets the machine.
//
// The lessons that boot Linux (vm/boot-linux, vm/virtio) attach them step
// by step; LinuxVm (linux_vm.hpp) attaches them in one go. The interrupt
// controllers and the timer are KVM's own (the in-kernel irqchip and PIT).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "backends/kvm/console_milestones.hpp"
#include "backends/kvm/device.hpp"
#include "backends/kvm/irq_line.hpp"
#include "backends/kvm/pc_ports.hpp"
#include "backends/kvm/uart16550.hpp"
#include "backends/kvm/vcpu_runner.hpp"
#include "backends/kvm/vm.hpp"

namespace strata::kvm {

class LinuxPc {
public:
    static constexpr std::uint16_t kCom1 = 0x3f8;
    static constexpr std::uint32_t kCom1Irq = 4;

    // Makes the devices and attaches them to `devices`' port bus. What the
    // guest writes to COM1 goes to the milestone watcher, then to `console`.
    static engine::Result<std::unique_ptr<LinuxPc>> attach(engine::Recorder* recorder, Vm& vm, Devices& devices,
                                                            Uart16550::Sink console = {});
    LinuxPc(const LinuxPc&) = delete;
    LinuxPc& operator=(const LinuxPc&) = delete;

    // After every exit: COM1's interrupt line follows the UART (KVM_IRQ_LINE
    // only when its level changes).
    engine::Result<void> sync_lines() { return com1_irq_.set(uart_.interrupt_asserted()); }

    Uart16550& uart() { return uart_; }
    const Uart16550& uart() const { return uart_; }
    ConsoleMilestones& milestones() { return milestones_; }
    const ConsoleMilestones& milestones() const { return milestones_; }
    const IrqLine& com1_irq() const { return com1_irq_; }

private:
    LinuxPc(engine::Recorder* recorder, Vm& vm, Devices& devices, Uart16550::Sink console);

    ConsoleMilestones milestones_;
    Uart16550::Sink console_;
    Uart16550 uart_;
    IrqLine com1_irq_;
    CmosRtc cmos_;
    AbsentPciConfig pci_;
    PostCodePort post_;
    I8042 i8042_;
};

// How the guest ended the run, when it reset the machine the PC way: the
// i8042's reset command (reboot=k) or a triple fault (reboot=t); nothing
// for any other stop.
std::optional<std::string> linux_reset_cause(const RunReport& report);

}  // namespace strata::kvm
