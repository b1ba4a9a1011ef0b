#include "backends/kvm/long_mode.hpp"

#include <array>
#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

namespace {

constexpr std::uint64_t P = 1, RW = 2, US = 4, PS = 0x80;

// Flat 4 GiB descriptors; for a 64-bit code segment only L, D, P, DPL and
// the type matter, base and limit are ignored.
constexpr std::uint64_t kGdt[] = {
    0,                      // 0x00 null
    0x00af9a000000ffffull,  // 0x08 kernel code: L=1 D=0 P DPL0 execute/read
    0x00cf92000000ffffull,  // 0x10 kernel data: P DPL0 read/write
    0x00affa000000ffffull,  // 0x18 user code: L=1 DPL3
    0x00cff2000000ffffull,  // 0x20 user data: DPL3
};
constexpr std::uint32_t kTssSize = 0x68;  // the 64-bit TSS without its bitmap


engine::Result<void> put(GuestMemory& ram, std::uint64_t gpa, const void* data, std::size_t size) {
    return ram.write(gpa, {static_cast<const std::uint8_t*>(data), size});
}

Segment segment(std::uint16_t selector, bool code, int dpl) {
    Segment s;
    s.base = 0;
    s.limit = 0xffffffff;
    s.selector = selector;
    s.type = code ? 11 : 3;  // execute/read accessed; read/write accessed
    s.present = 1;
    s.dpl = static_cast<std::uint8_t>(dpl);
    s.s = 1;
    s.l = code ? 1 : 0;
    s.db = code ? 0 : 1;
    s.g = 1;
    return s;
}

}  // namespace

void record_guest_write(engine::Recorder& recorder, const std::string& what, std::uint64_t gpa, std::size_t bytes) {
    engine::TraceEvent event;
    event.kind = engine::EventKind::note;
    event.name = "VMM writes " + what + " into guest RAM";
    event.args = {{"guest_physical", fmt::format("{:#x}", gpa)}, {"bytes", std::to_string(bytes)}};
    event.layers = {engine::LayerId::vmm, engine::LayerId::ram};
    event.start = recorder.now();
    recorder.record(std::move(event));
}

engine::Result<void> write_long_mode_tables(engine::Recorder& recorder, GuestMemory& ram, const LongModeLayout& l) {
    // The tables, GDT and TSS live in the first 2 MiB. Above that the
    // tables map addresses whether or not RAM backs them: without RAM there,
    // an access is an MMIO exit (the exit-cost benchmark relies on it).
    if (ram.guest_base() != 0 || ram.size() < LongModeLayout::kMinimumRam)
        return engine::plain_error("write long-mode tables",
                                   fmt::format("guest RAM must start at 0 and hold {:#x} bytes", LongModeLayout::kMinimumRam));
    if (l.identity_end > LongModeLayout::kMaxIdentityEnd)
        return engine::plain_error("write long-mode tables",
                                   fmt::format("an identity map up to {:#x} needs more than one page directory",
                                               l.identity_end));
    const std::uint64_t u = l.user_pages ? US : 0;

    // GDT: five descriptors, then the 16-byte TSS descriptor at 0x28.
    std::array<std::uint64_t, 7> gdt{};
    std::memcpy(gdt.data(), kGdt, sizeof kGdt);
    const std::uint64_t tss_limit = kTssSize + kUserPortLimit / 8;  // bitmap + the 0xff terminator byte
    gdt[5] = (tss_limit & 0xffff) | ((l.tss & 0xffffff) << 16) | (0x89ull << 40) /* P, type 9: 64-bit TSS */ |
             (((tss_limit >> 16) & 0xf) << 48) | (((l.tss >> 24) & 0xff) << 56);
    gdt[6] = l.tss >> 32;
    if (auto r = put(ram, l.gdt, gdt.data(), sizeof gdt); !r) return r;
    record_guest_write(recorder, "the GDT", l.gdt, sizeof gdt);

    // TSS: RSP0 for interrupts from ring 3, and an I/O bitmap whose zero
    // bits let ring 3 use ports 0-0x5ff.
    std::array<std::uint8_t, kTssSize + kUserPortLimit / 8 + 1> tss{};
    std::memcpy(&tss[4], &l.ring0_stack, 8);
    const std::uint16_t iomap = kTssSize;
    std::memcpy(&tss[0x66], &iomap, 2);
    tss.back() = 0xff;
    if (auto r = put(ram, l.tss, tss.data(), tss.size()); !r) return r;
    record_guest_write(recorder, "the TSS and its I/O bitmap", l.tss, tss.size());

    // Page tables.
    std::array<std::uint64_t, 512> table{};
    table[0] = l.pdpt | P | RW | u;
    table[(l.high_alias >> 39) & 0x1ff] = l.pdpt_high | P | RW | u;
    if (auto r = put(ram, l.pml4, table.data(), sizeof table); !r) return r;
    record_guest_write(recorder, "the PML4", l.pml4, sizeof table);

    table.fill(0);
    table[0] = l.pd | P | RW | u;
    if (auto r = put(ram, l.pdpt, table.data(), sizeof table); !r) return r;
    record_guest_write(recorder, "the PDPT", l.pdpt, sizeof table);

    table.fill(0);
    table[0] = l.pt | P | RW | u;
    table[1] = 0x200000 | P | RW | PS | u;  // one 2 MiB page
    for (std::uint64_t i = 2; i < 512 && (i << 21) < l.identity_end; ++i) table[i] = (i << 21) | P | RW | PS | u;
    if (auto r = put(ram, l.pd, table.data(), sizeof table); !r) return r;
    record_guest_write(recorder, "the PD", l.pd, sizeof table);

    table.fill(0);
    for (std::uint64_t i = l.map_page_zero ? 0 : 1; i < 512; ++i) table[i] = (i << 12) | P | RW | u;
    if (auto r = put(ram, l.pt, table.data(), sizeof table); !r) return r;
    record_guest_write(recorder, l.map_page_zero ? "the PT (4 KiB pages)" : "the PT (4 KiB pages, page 0 unmapped)", l.pt,
                       sizeof table);

    table.fill(0);
    table[(l.high_alias >> 30) & 0x1ff] = l.pd_high | P | RW | u;
    if (auto r = put(ram, l.pdpt_high, table.data(), sizeof table); !r) return r;
    table.fill(0);
    table[(l.high_alias >> 21) & 0x1ff] = l.high_alias_target | P | RW | PS | u;
    if (auto r = put(ram, l.pd_high, table.data(), sizeof table); !r) return r;
    record_guest_write(recorder, "the high-half PDPT and PD", l.pdpt_high, 2 * sizeof table);
    return {};
}

engine::Result<void> enter_long_mode(Vcpu& vcpu, const LongModeLayout& l, std::uint64_t entry, std::uint64_t stack,
                                     int ring) {
    auto sregs = vcpu.get_special_registers();
    if (!sregs) return std::unexpected(sregs.error());
    const bool user = ring == 3;
    sregs->cs = segment(user ? kUserCode : kKernelCode, true, user ? 3 : 0);
    const Segment data = segment(user ? kUserData : kKernelData, false, user ? 3 : 0);
    sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
    Segment tr;
    tr.selector = kTaskState;
    tr.base = l.tss;
    tr.limit = kTssSize + kUserPortLimit / 8;
    tr.type = 11;  // busy 64-bit TSS
    tr.present = 1;
    sregs->tr = tr;
    sregs->gdt = {l.gdt, 7 * 8 - 1};
    sregs->idt = {0, 0};  // no IDT: an exception triple-faults, which the VMM reports
    sregs->cr0 = kLongModeCr0;
    sregs->cr3 = l.pml4;
    sregs->cr4 = kLongModeCr4;
    sregs->efer = kLongModeEfer;
    if (auto r = vcpu.set_special_registers(*sregs); !r) return r;

    Registers regs;
    regs.rip = entry;
    regs.rsp = stack;
    regs.rflags = user ? 0x3002 : 0x2;  // IOPL 3 for ring 3; interrupts off
    return vcpu.set_registers(regs);
}

}  // namespace strata::kvm
