#include "backends/kvm/linux_pc.hpp"

#include <variant>

namespace strata::kvm {

LinuxPc::LinuxPc(engine::Recorder* recorder, Vm& vm, Devices& devices, Uart16550::Sink console)
    : milestones_(recorder, devices),
      console_(std::move(console)),
      uart_(recorder,
            [this](std::string_view text) {
                milestones_.feed(text);
                if (console_) console_(text);
            }),
      com1_irq_(vm, kCom1Irq),
      i8042_(devices) {}

engine::Result<std::unique_ptr<LinuxPc>> LinuxPc::attach(engine::Recorder* recorder, Vm& vm, Devices& devices,
                                                         Uart16550::Sink console) {
    std::unique_ptr<LinuxPc> pc(new LinuxPc(recorder, vm, devices, std::move(console)));
    auto& pio = devices.pio;
    struct Port {
        std::uint16_t port, length;
        Device& device;
    };
    for (const Port& p : {Port{kCom1, 8, pc->uart_}, Port{CmosRtc::kPort, 2, pc->cmos_},
                          Port{AbsentPciConfig::kPort, 8, pc->pci_}, Port{PostCodePort::kPort, 1, pc->post_},
                          Port{I8042::kDataPort, 1, pc->i8042_}, Port{I8042::kCommandPort, 1, pc->i8042_.command_port()}})
        if (auto r = pio.attach(p.port, p.length, p.device); !r) return std::unexpected(r.error());
    return pc;
}

std::optional<std::string> linux_reset_cause(const RunReport& report) {
    if (report.stop == RunStop::paused && report.checkpoint == I8042::kResetCheckpoint)
        return "the guest wrote 0xfe to port 0x64: the i8042's command to pulse the CPU's reset line";
    if (report.stop == RunStop::stopped && report.last_exit && std::holds_alternative<ShutdownExit>(*report.last_exit))
        return "the vCPU triple-faulted on purpose (reboot=t): KVM_EXIT_SHUTDOWN";
    return std::nullopt;
}

}  // namespace strata::kvm
