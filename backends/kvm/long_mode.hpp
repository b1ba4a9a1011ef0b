// Starting a vCPU directly in 64-bit long mode.
//
// A real PC boots in real mode and its firmware or boot loader climbs to
// long mode: build a GDT, build page tables, set CR4.PAE, EFER.LME, CR0.PG,
// far-jump to a 64-bit code segment. A VMM can skip the climb: it writes
// the GDT and the page tables into guest RAM itself and sets CR0, CR3, CR4,
// EFER and the segment registers with KVM_SET_SREGS, so the first guest
// instruction already runs in 64-bit mode. (On PVM hosts it must: the
// guest cannot write EFER there, see KVM-HERE.md.)
//
// The page tables map, with 4-level paging:
//   0x0-0x1fffff      identity, 4 KiB pages through one PT (page 0 left
//                     unmapped so a null pointer faults)
//   0x200000-0x3fffff identity, one 2 MiB page
//   high_alias        a 2 MiB page aliasing guest-physical 0x200000
#pragma once

#include <cstdint>
#include <string>

#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/vcpu.hpp"

namespace strata::kvm {

struct LongModeLayout {
    std::uint64_t gdt = 0x1000;   // 6 descriptors + a 16-byte TSS descriptor
    std::uint64_t tss = 0x1100;   // 64-bit TSS with an I/O permission bitmap
    std::uint64_t pml4 = 0x10000, pdpt = 0x11000, pd = 0x12000, pt = 0x13000;
    std::uint64_t pdpt_high = 0x14000, pd_high = 0x15000;
    std::uint64_t high_alias = 0xffff800000000000ull;  // -> guest-physical 0x200000
    std::uint64_t high_alias_target = 0x200000;
    bool user_pages = false;      // U bit on every entry, for ring-3 code
    std::uint64_t ring0_stack = 0x9000;  // TSS.RSP0: where interrupts from ring 3 land
    // Identity-mapped up to here: 2 MiB pages above kMappedRam, at most
    // 1 GiB (one PD). A Linux kernel's 64-bit entry needs its image, the
    // zero page and the initramfs mapped, wherever in RAM they are.
    std::uint64_t identity_end = kMappedRam;
    // Page 0 mapped too: Linux's decompressor reads the BIOS data area
    // there (0x40e, the EBDA pointer) before it has its own tables.
    bool map_page_zero = false;

    // What the tables map (identity); RAM must hold at least the first
    // 2 MiB, where the tables are.
    static constexpr std::uint64_t kMappedRam = 0x400000;
    static constexpr std::uint64_t kMinimumRam = 0x200000;
    static constexpr std::uint64_t kMaxIdentityEnd = 0x40000000;
};

// Segment selectors in the GDT written by write_long_mode_tables.
inline constexpr std::uint16_t kKernelCode = 0x08, kKernelData = 0x10, kUserCode = 0x1b, kUserData = 0x23,
                                kTaskState = 0x28;
// Ports ring 3 may use through the TSS I/O bitmap: 0x000-0x5ff.
inline constexpr std::uint32_t kUserPortLimit = 0x600;

// Writes the GDT, the TSS and the page tables into `ram` (which must start
// at guest-physical 0 and cover kMappedRam). Each table written is recorded
// as an event of the VMM touching guest RAM.
// Records that the VMM wrote `what` into guest RAM with plain stores (no
// ioctl): a note on the timeline, on the VMM and RAM layers.
void record_guest_write(engine::Recorder& recorder, const std::string& what, std::uint64_t gpa, std::size_t bytes);

engine::Result<void> write_long_mode_tables(engine::Recorder& recorder, GuestMemory& ram, const LongModeLayout& layout);

// KVM_SET_SREGS + KVM_SET_REGS: paging on, long mode active, CS a 64-bit
// code segment of privilege `ring` (0 or 3), RIP = entry, RSP = stack,
// interrupts off (IOPL 3 for ring 3 so port I/O is allowed where IOPL is
// honoured; the TSS bitmap covers hosts that ignore it).
engine::Result<void> enter_long_mode(Vcpu& vcpu, const LongModeLayout& layout, std::uint64_t entry,
                                     std::uint64_t stack, int ring = 0);

// The control register values enter_long_mode sets, for the inspectors.
inline constexpr std::uint64_t kLongModeCr0 = 0x80050033;  // PG WP AM NE ET MP PE
inline constexpr std::uint64_t kLongModeCr4 = 0x620;       // PAE OSFXSR OSXMMEXCPT
inline constexpr std::uint64_t kLongModeEfer = 0x501;      // LMA LME SCE

}  // namespace strata::kvm
