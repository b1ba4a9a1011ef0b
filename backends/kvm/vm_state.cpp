#include "backends/kvm/vm_state.hpp"

#include <cstring>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"
#include "backends/kvm/state_piece.hpp"

namespace strata::kvm {

namespace {

constexpr const char* kChipNames[] = {"PIC master", "PIC slave", "IOAPIC"};

Result<Bytes> get_chip(Vm& vm, std::uint32_t chip_id) {
    kvm_irqchip chip{};
    chip.chip_id = chip_id;
    auto r = traced_ioctl(vm.recorder(), vm.fd(), KVM_GET_IRQCHIP, &chip, {{"chip", kChipNames[chip_id]}});
    if (!r) return std::unexpected(r.error());
    return piece_of(chip);
}

Result<void> set_chip(Vm& vm, const Bytes& piece, std::uint32_t chip_id) {
    auto chip = piece_as<kvm_irqchip>(piece, kChipNames[chip_id]);
    if (!chip) return std::unexpected(chip.error());
    auto r = traced_ioctl(vm.recorder(), vm.fd(), KVM_SET_IRQCHIP, &*chip, {{"chip", kChipNames[chip_id]}});
    if (!r) return std::unexpected(r.error());
    return {};
}

}  // namespace

Result<VmState> save_vm(Vm& vm) {
    VmState s;
    Bytes* chips[] = {&s.pic_master, &s.pic_slave, &s.ioapic};
    for (std::uint32_t id : {KVM_IRQCHIP_PIC_MASTER, KVM_IRQCHIP_PIC_SLAVE, KVM_IRQCHIP_IOAPIC}) {
        auto chip = get_chip(vm, id);
        if (!chip) return std::unexpected(chip.error());
        *chips[id] = std::move(*chip);
    }
    kvm_pit_state2 pit{};
    if (auto r = traced_ioctl(vm.recorder(), vm.fd(), KVM_GET_PIT2, &pit); !r) return std::unexpected(r.error());
    s.pit = piece_of(pit);
    kvm_clock_data clock{};
    if (auto r = traced_ioctl(vm.recorder(), vm.fd(), KVM_GET_CLOCK, &clock); !r) return std::unexpected(r.error());
    s.clock = piece_of(clock);
    return s;
}

Result<void> restore_vm(Vm& vm, const VmState& s) {
    // The interrupt controllers before the timer that raises IRQ 0 on them.
    if (auto r = set_chip(vm, s.pic_master, KVM_IRQCHIP_PIC_MASTER); !r) return r;
    if (auto r = set_chip(vm, s.pic_slave, KVM_IRQCHIP_PIC_SLAVE); !r) return r;
    if (auto r = set_chip(vm, s.ioapic, KVM_IRQCHIP_IOAPIC); !r) return r;
    auto pit = piece_as<kvm_pit_state2>(s.pit, "PIT");
    if (!pit) return std::unexpected(pit.error());
    // KVM reloads each channel's counter as of now: the tick in progress
    // starts over, the mode and rate are the saved ones.
    if (auto r = traced_ioctl(vm.recorder(), vm.fd(), KVM_SET_PIT2, &*pit,
                              {{"channel 0 count", std::to_string(pit->channels[0].count)}});
        !r)
        return std::unexpected(r.error());
    auto saved = piece_as<kvm_clock_data>(s.clock, "clock");
    if (!saved) return std::unexpected(saved.error());
    // Only the value: no KVM_CLOCK_REALTIME flag, so the guest's clock goes
    // on from where it stopped instead of jumping over the time it was saved.
    kvm_clock_data clock{};
    clock.clock = saved->clock;
    if (auto r = traced_ioctl(vm.recorder(), vm.fd(), KVM_SET_CLOCK, &clock,
                              {{"clock", fmt::format("{} ns", clock.clock)}});
        !r)
        return std::unexpected(r.error());
    return {};
}

}  // namespace strata::kvm
