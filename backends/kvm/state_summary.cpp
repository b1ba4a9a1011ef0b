// What saved pieces of state say, decoded (for the lesson's inspectors and
// the snapshot loader's checks): no ioctl here, so the loader and its fuzz
// target need nothing of KVM but the structures' layout.
#include <cstring>

#include <fmt/format.h>

#include "backends/kvm/linux_kvm.hpp"
#include "backends/kvm/register_convert.hpp"
#include "backends/kvm/state_piece.hpp"
#include "backends/kvm/vm_state.hpp"

namespace strata::kvm {

namespace {

std::string pending_text(const kvm_vcpu_events& e) {
    std::vector<std::string> parts;
    if (e.exception.injected) parts.push_back(fmt::format("exception {} being delivered", e.exception.nr));
    if (e.exception.pending) parts.push_back(fmt::format("exception {} pending", e.exception.nr));
    if (e.interrupt.injected) parts.push_back(fmt::format("interrupt {:#x} being delivered", e.interrupt.nr));
    if (e.interrupt.shadow) parts.push_back("interrupt shadow (after STI or MOV SS)");
    if (e.nmi.injected || e.nmi.pending) parts.push_back("an NMI");
    if (parts.empty()) return "nothing pending";
    std::string text;
    for (const auto& p : parts) text += (text.empty() ? "" : ", ") + p;
    return text;
}

}  // namespace

std::string mp_state_name(std::uint32_t state) {
    switch (state) {
        case KVM_MP_STATE_RUNNABLE: return "runnable";
        case KVM_MP_STATE_UNINITIALIZED: return "uninitialized (waiting for INIT)";
        case KVM_MP_STATE_INIT_RECEIVED: return "INIT received";
        case KVM_MP_STATE_HALTED: return "halted (HLT, waiting for an interrupt)";
        case KVM_MP_STATE_SIPI_RECEIVED: return "SIPI received";
        default: return fmt::format("state {}", state);
    }
}

Result<VcpuStateSummary> summarize(const VcpuState& s) {
    VcpuStateSummary out;
    auto regs = piece_as<kvm_regs>(s.regs, "regs");
    auto sregs = piece_as<kvm_sregs>(s.sregs, "sregs");
    auto mp = piece_as<kvm_mp_state>(s.mp_state, "mp_state");
    auto events = piece_as<kvm_vcpu_events>(s.events, "events");
    auto xcrs = piece_as<kvm_xcrs>(s.xcrs, "xcrs");
    auto lapic = piece_as<kvm_lapic_state>(s.lapic, "lapic");
    auto debug = piece_as<kvm_debugregs>(s.debugregs, "debugregs");
    if (!regs) return std::unexpected(regs.error());
    if (!sregs) return std::unexpected(sregs.error());
    if (!mp) return std::unexpected(mp.error());
    if (!events) return std::unexpected(events.error());
    if (!xcrs) return std::unexpected(xcrs.error());
    if (!lapic) return std::unexpected(lapic.error());
    if (!debug) return std::unexpected(debug.error());
    if (s.xsave.size() < sizeof(kvm_xsave) || s.msrs.size() < sizeof(kvm_msrs) || s.cpuid.size() < sizeof(kvm_cpuid2))
        return engine::plain_error("vCPU state", "the XSAVE, MSR or CPUID piece is shorter than its header");
    out.regs = convert::from_kvm(*regs);
    out.sregs = convert::from_kvm(*sregs);
    out.mp_state = mp_state_name(mp->mp_state);
    std::uint32_t n = 0;
    std::memcpy(&n, s.cpuid.data(), 4);
    out.cpuid_entries = n;
    std::memcpy(&n, s.msrs.data(), 4);
    out.msr_count = n;
    out.xsave_bytes = s.xsave.size();
    std::memcpy(&out.xstate_bv, s.xsave.data() + 512, 8);  // the XSAVE header follows the 512-byte legacy area
    for (std::uint32_t i = 0; i < xcrs->nr_xcrs && i < KVM_MAX_XCRS; ++i)
        if (xcrs->xcrs[i].xcr == 0) out.xcr0 = xcrs->xcrs[i].value;
    std::memcpy(&out.lapic_lvt_lint0, lapic->regs + 0x350, 4);
    std::memcpy(&out.lapic_timer_lvt, lapic->regs + 0x320, 4);
    out.pending = pending_text(*events);
    out.dr7 = debug->dr7;
    return out;
}

VcpuPieceSizes vcpu_piece_sizes() {
    return {sizeof(kvm_regs),        sizeof(kvm_sregs),       sizeof(kvm_fpu),       sizeof(kvm_xsave),
            sizeof(kvm_xcrs),        sizeof(kvm_lapic_state), sizeof(kvm_vcpu_events), sizeof(kvm_debugregs),
            sizeof(kvm_mp_state),    sizeof(kvm_cpuid2),      sizeof(kvm_cpuid_entry2), sizeof(kvm_msrs),
            sizeof(kvm_msr_entry)};
}

Result<VmStateSummary> summarize(const VmState& s) {
    auto master = piece_as<kvm_irqchip>(s.pic_master, "PIC master");
    auto pit = piece_as<kvm_pit_state2>(s.pit, "PIT");
    auto clock = piece_as<kvm_clock_data>(s.clock, "clock");
    if (!master) return std::unexpected(master.error());
    if (!pit) return std::unexpected(pit.error());
    if (!clock) return std::unexpected(clock.error());
    VmStateSummary out;
    out.pic_irr = master->chip.pic.irr;
    out.pic_imr = master->chip.pic.imr;
    out.pic_isr = master->chip.pic.isr;
    out.pic_vector_base = master->chip.pic.irq_base;
    out.pit_reload = pit->channels[0].count;
    out.pit_mode = pit->channels[0].mode;
    out.clock_ns = clock->clock;
    return out;
}

VmPieceSizes vm_piece_sizes() { return {sizeof(kvm_irqchip), sizeof(kvm_pit_state2), sizeof(kvm_clock_data)}; }

bool irqchip_piece_is(const Bytes& piece, std::uint32_t chip_id) {
    if (piece.size() != sizeof(kvm_irqchip)) return false;
    std::uint32_t id;
    std::memcpy(&id, piece.data(), 4);
    return id == chip_id;
}

}  // namespace strata::kvm
