// Interrupt plumbing between the VMM and KVM.
//
// Two designs. With an in-kernel irqchip (KVM_CREATE_IRQCHIP) KVM emulates
// the PIC, IOAPIC and LAPICs itself, the PIT (KVM_CREATE_PIT2) raises IRQ 0
// on its own, and the VMM never sees an interrupt — nor a HLT, which KVM
// now handles by sleeping until one arrives. Without it, the VMM *is* the
// interrupt controller: it injects vectors with KVM_INTERRUPT, but only
// when the guest can take one, and asks KVM for an exit when it can
// (request_interrupt_window -> KVM_EXIT_IRQ_WINDOW_OPEN).
#include <atomic>
#include <cstring>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vm.hpp"

namespace strata::kvm {

Result<void> Vm::create_irqchip() {
    auto r = traced_ioctl(*recorder_, fd(), KVM_CREATE_IRQCHIP, 0ul, {{"what", "PIC x2 + IOAPIC + a LAPIC per vCPU"}});
    if (!r) return std::unexpected(r.error());
    return {};
}

Result<void> Vm::create_pit2(bool speaker_port) {
    kvm_pit_config config{};
    config.flags = speaker_port ? KVM_PIT_SPEAKER_DUMMY : 0;
    auto r = traced_ioctl(*recorder_, fd(), KVM_CREATE_PIT2, &config,
                          {{"flags", speaker_port ? "KVM_PIT_SPEAKER_DUMMY (KVM answers port 0x61 too)" : "0"}});
    if (!r) return std::unexpected(r.error());
    return {};
}

Result<void> Vcpu::inject_interrupt(std::uint8_t vector) {
    kvm_interrupt irq{};
    irq.irq = vector;
    auto r = traced_ioctl(*recorder_, fd(), KVM_INTERRUPT, &irq, {{"vector", fmt::format("{:#x}", vector)}});
    if (!r) return std::unexpected(r.error());
    return {};
}

void Vcpu::request_interrupt_window(bool on) {
    auto* run = static_cast<kvm_run*>(run_.address());
    std::atomic_ref<__u8>(run->request_interrupt_window).store(on ? 1 : 0);
}

bool Vcpu::ready_for_interrupt_injection() const {
    const auto* run = static_cast<const kvm_run*>(run_.address());
    return run->ready_for_interrupt_injection != 0;
}

bool Vcpu::interrupts_enabled() const {
    const auto* run = static_cast<const kvm_run*>(run_.address());
    return run->if_flag != 0;
}

Result<void> Vcpu::route_pic_through_lapic() {
    kvm_lapic_state lapic{};
    auto got = traced_ioctl(*recorder_, fd(), KVM_GET_LAPIC, &lapic);
    if (!got) return std::unexpected(got.error());
    // LVT LINT0 (0x350): delivery mode ExtINT (0x700) — "ask the PIC for the
    // vector"; LVT LINT1 (0x360): NMI (0x400). A BIOS does this at boot.
    const std::uint32_t lint0 = 0x700, lint1 = 0x400;
    std::memcpy(lapic.regs + 0x350, &lint0, 4);
    std::memcpy(lapic.regs + 0x360, &lint1, 4);
    auto set = traced_ioctl(*recorder_, fd(), KVM_SET_LAPIC, &lapic,
                            {{"LVT LINT0 (0x350)", "0x700 (ExtINT)"}, {"LVT LINT1 (0x360)", "0x400 (NMI)"}});
    if (!set) return std::unexpected(set.error());
    return {};
}

}  // namespace strata::kvm
