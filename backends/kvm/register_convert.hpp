// Between KVM's register structures and strata's own (registers.hpp).
// Included only inside backends/kvm: it needs <linux/kvm.h>.
#pragma once

#include <algorithm>
#include <iterator>

#include "backends/kvm/linux_kvm.hpp"

#include "backends/kvm/registers.hpp"

namespace strata::kvm::convert {

inline Registers from_kvm(const kvm_regs& k) {
    return Registers{k.rax, k.rbx, k.rcx, k.rdx, k.rsi, k.rdi, k.rsp, k.rbp, k.r8,  k.r9,
                     k.r10, k.r11, k.r12, k.r13, k.r14, k.r15, k.rip, k.rflags};
}

inline kvm_regs to_kvm(const Registers& g) {
    return kvm_regs{g.rax, g.rbx, g.rcx, g.rdx, g.rsi, g.rdi, g.rsp, g.rbp, g.r8,  g.r9,
                    g.r10, g.r11, g.r12, g.r13, g.r14, g.r15, g.rip, g.rflags};
}

inline Segment from_kvm(const kvm_segment& s) {
    return Segment{s.base, s.limit, s.selector, s.type, s.present, s.dpl, s.db, s.s, s.l, s.g, s.avl, s.unusable};
}

inline kvm_segment to_kvm(const Segment& s) {
    kvm_segment k{};
    k.base = s.base;
    k.limit = s.limit;
    k.selector = s.selector;
    k.type = s.type;
    k.present = s.present;
    k.dpl = s.dpl;
    k.db = s.db;
    k.s = s.s;
    k.l = s.l;
    k.g = s.g;
    k.avl = s.avl;
    k.unusable = s.unusable;
    return k;
}

inline SpecialRegisters from_kvm(const kvm_sregs& k) {
    SpecialRegisters s;
    s.cs = from_kvm(k.cs);
    s.ds = from_kvm(k.ds);
    s.es = from_kvm(k.es);
    s.fs = from_kvm(k.fs);
    s.gs = from_kvm(k.gs);
    s.ss = from_kvm(k.ss);
    s.tr = from_kvm(k.tr);
    s.ldt = from_kvm(k.ldt);
    s.gdt = {k.gdt.base, k.gdt.limit};
    s.idt = {k.idt.base, k.idt.limit};
    s.cr0 = k.cr0;
    s.cr2 = k.cr2;
    s.cr3 = k.cr3;
    s.cr4 = k.cr4;
    s.cr8 = k.cr8;
    s.efer = k.efer;
    s.apic_base = k.apic_base;
    std::copy(std::begin(k.interrupt_bitmap), std::end(k.interrupt_bitmap), s.interrupt_bitmap.begin());
    return s;
}

inline kvm_sregs to_kvm(const SpecialRegisters& s) {
    kvm_sregs k{};
    static_assert(sizeof k.interrupt_bitmap == sizeof s.interrupt_bitmap);
    std::copy(s.interrupt_bitmap.begin(), s.interrupt_bitmap.end(), std::begin(k.interrupt_bitmap));
    k.cs = to_kvm(s.cs);
    k.ds = to_kvm(s.ds);
    k.es = to_kvm(s.es);
    k.fs = to_kvm(s.fs);
    k.gs = to_kvm(s.gs);
    k.ss = to_kvm(s.ss);
    k.tr = to_kvm(s.tr);
    k.ldt = to_kvm(s.ldt);
    k.gdt.base = s.gdt.base;
    k.gdt.limit = s.gdt.limit;
    k.idt.base = s.idt.base;
    k.idt.limit = s.idt.limit;
    k.cr0 = s.cr0;
    k.cr2 = s.cr2;
    k.cr3 = s.cr3;
    k.cr4 = s.cr4;
    k.cr8 = s.cr8;
    k.efer = s.efer;
    k.apic_base = s.apic_base;
    return k;
}

}  // namespace strata::kvm::convert
