// Loading and starting tinyos, strata's own guest OS (assets/guests/tinyos).
//
// strata plays boot loader: it copies the flat kernel image to 1 MiB,
// fills in a boot_info block, writes a GDT and page tables (long_mode.hpp)
// and starts the vCPU in 64-bit mode at the kernel's first instruction
// with RDI pointing at boot_info. The kernel replaces all of those tables
// with its own within its first few hundred instructions.
//
// The contract with the guest (kept in step with tinyos/kernel.h):
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/long_mode.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vm.hpp"

namespace strata::kvm::tinyos {

inline constexpr std::uint64_t kLoadAddress = 0x100000;
inline constexpr std::uint64_t kBootInfo = 0x7000;
inline constexpr std::uint64_t kTraceRing = 0x20000;
inline constexpr std::uint64_t kKernelEnd = 0x200000;    // the image must end below the page pool
// The tour's RAM (vm/tiny-os, the compare lessons, strata-idle-vm): the
// 4 MiB the VMM's long-mode tables map. ram_size() below says per workload.
inline constexpr std::size_t kRamSize = LongModeLayout::kMappedRam;
inline constexpr std::uint16_t kUartPort = 0x3f8;
inline constexpr std::uint16_t kCheckpointPort = 0x501;
inline constexpr std::uint16_t kTraceDoorbell = 0x510;

// Checkpoints the kernel reports: 1 just before its first user
// instruction, then one per finished phase of programs (proc.c), 0xee on
// a kernel panic. The snapshot workload's phases end at 0x10 + phase, and
// its programs' mark(id) calls report kMarkBase | id (syscall.c).
enum Checkpoint : std::uint32_t {
    ready = 1,
    programs_done = 2, echo_done = 3, touch_done = 4, uname_done = 5,  // the tour (vm/tiny-os)
    pause_phase_done = 0x10, dirty_phase_done = 0x11, migrate_phase_done = 0x12,  // the snapshot workload
    panic = 0xee,
};
inline constexpr std::uint32_t kMarkBase = 0x100;
inline constexpr bool is_mark(std::uint32_t checkpoint) { return (checkpoint & ~0xffu) == kMarkBase; }
// The writer's mark after four of its eight rounds: where vm/snapshot pauses.
inline constexpr std::uint32_t kHalfwayMark = kMarkBase | 1;

// "the end of the pause phase", "mark 0x11", ... for messages.
std::string checkpoint_name(std::uint32_t checkpoint);

// Kernel faults on purpose, for the robustness tests and lesson option.
enum class Fault : std::uint32_t { none = 0, triple = 1, hang = 2 };

// Which programs the kernel runs (boot_info.workload, proc.c): vm/tiny-os's
// tour, or the snapshot workload (user/workload.c), which needs
// kSnapshotRamSize of RAM for its shared data.
enum class Workload : std::uint32_t { tour = 0, snapshot = 1 };
inline constexpr std::size_t kSnapshotRamSize = 0x600000;  // 6 MiB
// The RAM a machine booting `w` is given: the tour fits in kRamSize; the
// snapshot workload's shared data is the 2 MiB page just above that
// (kDataPhys), 6 MiB in all. load() refuses a snapshot workload in less.
inline constexpr std::size_t ram_size(Workload w) { return w == Workload::snapshot ? kSnapshotRamSize : kRamSize; }
// The checkpoint that ends a workload's last phase.
inline constexpr std::uint32_t last_checkpoint(Workload w) {
    return w == Workload::snapshot ? migrate_phase_done : uname_done;
}
// The snapshot workload's shared data: one 2 MiB page at this
// guest-physical address, mapped into every process (paging.c).
inline constexpr std::uint64_t kDataPhys = 0x400000;
inline constexpr std::uint64_t kDataPages = 512;
inline constexpr std::uint64_t kPageSize = 4096;
// Every word the workload's programs write: word `index` of data page
// `page` in round `round` (user/workload.c, word()).
inline constexpr std::uint64_t workload_word(std::uint64_t page, std::uint64_t round, std::uint64_t index) {
    return (round << 48) | (page << 16) | index;
}

// Copies the image and boot_info into `ram` and writes the VMM's long-mode
// tables (each write recorded as the VMM touching RAM).
engine::Result<void> load(engine::Recorder& recorder, GuestMemory& ram, std::span<const std::uint8_t> image,
                          Fault fault, const LongModeLayout& layout, Workload workload = Workload::tour);

// KVM_REINJECT_CONTROL (after KVM_CREATE_PIT2): by default KVM's PIT
// replays every tick the guest missed while its vCPU was not running —
// while strata handled an exit or paused between lesson steps — in a
// burst on the next entry. tinyos charges ticks to the running program
// (its CPU budget), so a burst would kill an innocent one. Off, missed
// ticks are coalesced as on a busy real machine. Returns whether KVM
// accepted it; a host without it keeps the burst (recorded, not fatal).
bool coalesce_missed_ticks(Vm& vm);

// KVM_SET_SREGS + KVM_SET_REGS: 64-bit mode, ring 0, RIP = kLoadAddress,
// RDI = kBootInfo.
engine::Result<void> start(Vcpu& vcpu, const LongModeLayout& layout);

// The host's own answer to uname(2), recorded as strata's syscall.
struct Uname {
    std::string sysname, release, version, machine;
};
engine::Result<Uname> host_uname(engine::Recorder& recorder);

}  // namespace strata::kvm::tinyos
