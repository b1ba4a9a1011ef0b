#include "backends/kvm/real_mode.hpp"

namespace strata::kvm {

engine::Result<void> enter_real_mode(Vcpu& vcpu, std::uint16_t entry, std::uint16_t stack) {
    auto sregs = vcpu.get_special_registers();
    if (!sregs) return std::unexpected(sregs.error());
    // After reset CS base is 0xffff0000; flatten every segment to base 0 so
    // guest-physical address == offset.
    for (Segment* s : {&sregs->cs, &sregs->ds, &sregs->es, &sregs->fs, &sregs->gs, &sregs->ss}) {
        s->base = 0;
        s->selector = 0;
    }
    if (auto r = vcpu.set_special_registers(*sregs); !r) return r;

    Registers regs;
    regs.rip = entry;
    regs.rsp = stack;
    regs.rflags = 0x2;  // IF clear: no interrupts
    return vcpu.set_registers(regs);
}

}  // namespace strata::kvm
