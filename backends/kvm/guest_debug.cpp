// Vcpu::set_guest_debug: KVM_SET_GUEST_DEBUG, the VMM's debugger hooks.
//
// With single-step on, KVM sets the trap flag for the guest (hiding it
// from the guest's own view of RFLAGS) and turns the #DB after each
// instruction into KVM_EXIT_DEBUG. Hardware breakpoints go in the debug
// registers DR0..DR3 with DR7 enabling them; KVM loads them while the
// guest runs and reports a hit as KVM_EXIT_DEBUG too.
#include <string>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

#include "backends/kvm/vcpu.hpp"

namespace strata::kvm {

Result<void> Vcpu::set_guest_debug(const GuestDebug& debug) {
    if (debug.breakpoint_count > debug.breakpoints.size())
        return engine::plain_error("KVM_SET_GUEST_DEBUG", "x86 has four debug address registers (DR0-DR3)");
    kvm_guest_debug d{};
    std::string flags;
    if (debug.enable) {
        d.control = KVM_GUESTDBG_ENABLE;
        flags = "KVM_GUESTDBG_ENABLE";
        if (debug.single_step) {
            d.control |= KVM_GUESTDBG_SINGLESTEP;
            flags += "|KVM_GUESTDBG_SINGLESTEP";
        }
        if (debug.breakpoint_count > 0) {
            d.control |= KVM_GUESTDBG_USE_HW_BP;
            flags += "|KVM_GUESTDBG_USE_HW_BP";
            std::uint64_t dr7 = 0;
            for (unsigned i = 0; i < debug.breakpoint_count; ++i) {
                d.arch.debugreg[i] = debug.breakpoints[i];
                // Ln (local enable) = 1; R/Wn = 00 (execute), LENn = 00 (1 byte).
                dr7 |= 1ull << (2 * i);
            }
            d.arch.debugreg[7] = dr7 | 0x400;  // bit 10 always reads as 1
        }
    } else {
        flags = "0 (debugging off)";
    }
    std::string bps;
    for (unsigned i = 0; i < debug.breakpoint_count; ++i)
        bps += fmt::format("{}DR{}={:#x}", i ? " " : "", i, debug.breakpoints[i]);
    auto r = traced_ioctl(*recorder_, fd(), KVM_SET_GUEST_DEBUG, &d,
                          {{"control", flags}, {"breakpoints", bps.empty() ? "none" : bps}});
    if (!r) return std::unexpected(r.error());
    return {};
}

}  // namespace strata::kvm
