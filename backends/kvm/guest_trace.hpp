// GuestTrace: what tinyos says happened inside it.
//
// A VMM sees a guest only at its exits; a syscall, a page fault or a
// context switch inside the guest never reaches it. So tinyos keeps a
// trace ring in guest RAM (assets/guests/tinyos/trace.c) and, now and
// then, writes to a doorbell port: one exit, and this device takes every
// record at once and turns it into an engine::EventKind::guest_event.
//
// Ring layout at `ring_gpa` (one page, little-endian):
//   +0   u32 magic     "TRCE" (0x45435254)
//   +4   u32 produced  records written so far (free-running)
//   +8   u32 consumed  records taken (written by strata only)
//   +12  u32 capacity  (the guest's claim; strata uses its own kCapacity)
//   +64  kCapacity records of 16 bytes: u8 kind, u8 pid, u16 0, u32 a, u64 b
//
// Everything in the ring is hostile: `produced` is read once and checked
// against the ring size, each record's kind and fields are checked, and
// the number of events recorded is bounded; the rest is only counted.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backends/kvm/device.hpp"
#include "backends/kvm/guest_memory.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

// What tinyos reports (trace.c: enum trace_kind).
enum class GuestEventKind : std::uint8_t { boot = 1, syscall, page_fault, context_switch, exit, kill, start, mark };

struct GuestRecord {
    GuestEventKind kind;
    std::uint8_t pid;
    std::uint32_t a;
    std::uint64_t b;
};

// A syscall record's `a`: the number in the low 16 bits; the top bit set
// when `syscall` left the CPU in ring 3 and tinyos's page-fault handler
// finished the entry (what a PVM host does to a kernel not written for
// it; tinyos/trap.c).
inline constexpr std::uint32_t kSyscallViaFault = 0x80000000u;
inline std::uint32_t syscall_number(const GuestRecord& r) { return r.a & 0xffffu; }
inline bool syscall_via_fault(const GuestRecord& r) { return (r.a & kSyscallViaFault) != 0; }
// A mark record (a program's mark(id, first, pages) syscall): `a` is the
// id, `b` the first page of the shared data it wrote (high half) and how
// many pages (low half).
inline std::uint32_t mark_first_page(const GuestRecord& r) { return static_cast<std::uint32_t>(r.b >> 32); }
inline std::uint32_t mark_pages(const GuestRecord& r) { return static_cast<std::uint32_t>(r.b); }

class GuestTrace final : public Device {
public:
    static constexpr std::uint32_t kMagic = 0x45435254;
    static constexpr std::uint64_t kRecordsOffset = 64;
    static constexpr std::uint32_t kCapacity = 252;  // (4096 - 64) / 16
    static constexpr std::size_t kMaxRecorded = 4000;  // events put in the trace; more are only counted

    // `memory` must contain the ring's page. `recorder` may be null (unit tests).
    GuestTrace(GuestMemory& memory, std::uint64_t ring_gpa, engine::Recorder* recorder);

    std::string_view name() const override { return "guest trace doorbell"; }
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;  // the doorbell: drain()
    void drain();

    const std::vector<GuestRecord>& records() const { return records_; }  // the first kMaxRecorded valid ones
    std::uint64_t count(GuestEventKind kind) const;
    // The latest mark a program reported (kept even past kMaxRecorded).
    const std::optional<GuestRecord>& last_mark() const { return last_mark_; }
    // strata's own copy of how far it has read the ring: a snapshot saves
    // it, and a restored machine's trace device must start from it.
    std::uint32_t consumed() const { return consumed_; }
    void resume_from(std::uint32_t consumed) { consumed_ = consumed; }
    std::uint64_t syscalls(std::uint32_t number) const;
    // Syscalls tinyos had to finish itself because `syscall` did not
    // reach ring 0 (0 on hardware-assisted KVM).
    std::uint64_t syscalls_via_fault() const { return syscalls_via_fault_; }
    std::uint64_t doorbells() const { return doorbells_; }
    std::uint64_t malformed() const { return malformed_; }  // records or ring states refused
    const std::string& last_problem() const { return last_problem_; }

    // "write", "page fault", ... for names and views.
    static std::string syscall_name(std::uint32_t number);
    static std::string describe(const GuestRecord& record);

private:
    void record_event(const GuestRecord& record);
    void refuse(std::string why);

    GuestMemory& memory_;
    std::uint64_t ring_gpa_;
    engine::Recorder* recorder_;
    std::uint32_t consumed_ = 0;  // strata's own copy: the guest cannot move it
    std::vector<GuestRecord> records_;
    std::array<std::uint64_t, 9> by_kind_{};
    std::optional<GuestRecord> last_mark_;
    std::map<std::uint32_t, std::uint64_t> by_syscall_;
    std::uint64_t doorbells_ = 0, malformed_ = 0, syscalls_via_fault_ = 0;
    std::string last_problem_;
};

}  // namespace strata::kvm
