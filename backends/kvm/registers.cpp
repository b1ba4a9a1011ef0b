#include "backends/kvm/registers.hpp"

namespace strata::kvm {

engine::RegisterView register_view(const std::string& title, const Registers& r, const SpecialRegisters* s) {
    engine::RegisterView view{title, {
        {"rip", r.rip}, {"rflags", r.rflags}, {"rax", r.rax}, {"rbx", r.rbx}, {"rcx", r.rcx},
        {"rdx", r.rdx}, {"rsi", r.rsi},       {"rdi", r.rdi}, {"rsp", r.rsp}, {"rbp", r.rbp},
        {"r8", r.r8},   {"r9", r.r9},         {"r10", r.r10}, {"r11", r.r11}, {"r12", r.r12},
        {"r13", r.r13}, {"r14", r.r14},       {"r15", r.r15},
    }};
    if (s) {
        view.registers.insert(view.registers.end(), {
            {"cs", s->cs.selector}, {"cs.base", s->cs.base}, {"ds", s->ds.selector}, {"ss", s->ss.selector},
            {"cr0", s->cr0}, {"cr2", s->cr2}, {"cr3", s->cr3}, {"cr4", s->cr4}, {"efer", s->efer},
        });
    }
    return view;
}

}  // namespace strata::kvm
