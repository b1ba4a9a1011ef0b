// The vCPU's registers in strata's own types, so that lessons and views can
// read and set them without <linux/kvm.h> (only backends/kvm includes it).
#pragma once

#include <array>
#include <cstdint>

#include "engine/facts.hpp"

namespace strata::kvm {

// General-purpose registers (KVM_GET_REGS / KVM_SET_REGS).
struct Registers {
    std::uint64_t rax = 0, rbx = 0, rcx = 0, rdx = 0, rsi = 0, rdi = 0, rsp = 0, rbp = 0;
    std::uint64_t r8 = 0, r9 = 0, r10 = 0, r11 = 0, r12 = 0, r13 = 0, r14 = 0, r15 = 0;
    std::uint64_t rip = 0, rflags = 0x2;  // bit 1 of RFLAGS is always set
};

// A segment register with its hidden descriptor cache.
struct Segment {
    std::uint64_t base = 0;
    std::uint32_t limit = 0;
    std::uint16_t selector = 0;
    std::uint8_t type = 0, present = 0, dpl = 0, db = 0, s = 0, l = 0, g = 0, avl = 0;
    std::uint8_t unusable = 0;
};

struct DescriptorTable {
    std::uint64_t base = 0;
    std::uint16_t limit = 0;
};

// Segment, control and system registers (KVM_GET_SREGS / KVM_SET_SREGS).
struct SpecialRegisters {
    Segment cs, ds, es, fs, gs, ss, tr, ldt;
    DescriptorTable gdt, idt;
    std::uint64_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0, efer = 0, apic_base = 0;
    // Pending external interrupts, one bit per vector; kept so that a
    // get-modify-set round trip does not lose them.
    std::array<std::uint64_t, 4> interrupt_bitmap{};
};

// For the registers inspector: name -> value in display order.
engine::RegisterView register_view(const std::string& title, const Registers& regs,
                                   const SpecialRegisters* sregs = nullptr);

}  // namespace strata::kvm
