#include "backends/kvm/vcpu.hpp"

#include <algorithm>
#include <atomic>
#include <iterator>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

namespace {

Segment from_kvm(const kvm_segment& s) {
    return Segment{s.base, s.limit, s.selector, s.type, s.present, s.dpl, s.db, s.s, s.l, s.g, s.avl, s.unusable};
}

kvm_segment to_kvm(const Segment& s) {
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

}  // namespace

Vcpu::Vcpu(Recorder& recorder, int id, sys::Fd fd, sys::Mapping run)
    : recorder_(&recorder), id_(id), fd_(std::move(fd)), run_(std::move(run)) {}

Result<Registers> Vcpu::get_registers() {
    kvm_regs k{};
    auto r = traced_ioctl(*recorder_, fd(), KVM_GET_REGS, &k);
    if (!r) return std::unexpected(r.error());
    return Registers{k.rax, k.rbx, k.rcx, k.rdx, k.rsi, k.rdi, k.rsp, k.rbp, k.r8,  k.r9,
                     k.r10, k.r11, k.r12, k.r13, k.r14, k.r15, k.rip, k.rflags};
}

Result<void> Vcpu::set_registers(const Registers& g) {
    kvm_regs k{g.rax, g.rbx, g.rcx, g.rdx, g.rsi, g.rdi, g.rsp, g.rbp, g.r8,  g.r9,
               g.r10, g.r11, g.r12, g.r13, g.r14, g.r15, g.rip, g.rflags};
    auto r = traced_ioctl(*recorder_, fd(), KVM_SET_REGS, &k,
                          {{"rip", fmt::format("{:#x}", g.rip)},
                           {"rsp", fmt::format("{:#x}", g.rsp)},
                           {"rflags", fmt::format("{:#x}", g.rflags)}});
    if (!r) return std::unexpected(r.error());
    return {};
}

Result<SpecialRegisters> Vcpu::get_special_registers() {
    kvm_sregs k{};
    auto r = traced_ioctl(*recorder_, fd(), KVM_GET_SREGS, &k);
    if (!r) return std::unexpected(r.error());
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

Result<void> Vcpu::set_special_registers(const SpecialRegisters& s) {
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
    auto r = traced_ioctl(*recorder_, fd(), KVM_SET_SREGS, &k,
                          {{"cs", fmt::format("sel={:#x} base={:#x}", s.cs.selector, s.cs.base)},
                           {"cr0", fmt::format("{:#x}", s.cr0)},
                           {"cr3", fmt::format("{:#x}", s.cr3)},
                           {"cr4", fmt::format("{:#x}", s.cr4)},
                           {"efer", fmt::format("{:#x}", s.efer)}});
    if (!r) return std::unexpected(r.error());
    return {};
}

void Vcpu::request_immediate_exit(bool on) {
    auto* run = static_cast<kvm_run*>(run_.address());
    // A plain byte KVM reads on entry; the atomic ref keeps the compiler
    // from caching or reordering it around the signal that follows.
    std::atomic_ref<__u8>(run->immediate_exit).store(on ? 1 : 0, std::memory_order_seq_cst);
}

Result<void> Vcpu::enter() {
    auto r = traced_ioctl_as(*recorder_, engine::EventKind::vm_entry,
                             {LayerId::vmm, LayerId::kvm, LayerId::cpu_virt, LayerId::guest_program}, fd(),
                             KVM_RUN, 0ul, {{"vcpu", std::to_string(id_)}});
    if (!r) return std::unexpected(r.error());
    return {};
}

}  // namespace strata::kvm
