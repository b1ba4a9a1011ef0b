// strata's snapshot file format (version 1), written and read here and
// documented in docs/SNAPSHOT-FORMAT.md. Little-endian throughout (the
// format is for x86-64 hosts only).
//
//   offset  size  header (128 bytes)
//        0     8  magic "STRATASN"
//        8     4  format version (1)
//       12     4  header size (128)
//       16    16  strata version that wrote it, ASCII, NUL-padded
//       32    12  CPU vendor (CPUID leaf 0: EBX EDX ECX)
//       44     4  CPU family   } CPUID leaf 1, with the extended
//       48     4  CPU model    } family and model folded in
//       52     4  CPU stepping }
//       56     4  XSAVE area size in bytes (the vcpu.xsave section's)
//       60     4  TSC rate of the vCPU in kHz (0: unknown; informational)
//       64     8  XSAVE components KVM offered the guest (XCR0 bits)
//       72     8  XSAVE components the guest had enabled (its XCR0)
//       80     4  number of sections N
//       84     4  CRC-32 of the section table
//       88    36  reserved, zero
//      124     4  CRC-32 of bytes 0-123
//   then N table entries of 32 bytes:
//        0     4  section id      8  8  offset in the file   16  8  size
//        4     4  flags (0)      24  4  CRC-32 of the section's bytes   28  4  zero
//   then the sections, in table order, each at the next multiple of 8,
//   zero bytes between them, and nothing after the last.
//
// A section holds either the kernel's own structure for that piece of
// state (struct kvm_regs, kvm_lapic_state, kvm_pit_state2, ...: the x86-64
// <linux/kvm.h> ABI, which KVM keeps stable) or a strata-defined layout
// (machine, UART, guest trace, memory), all listed in SNAPSHOT-FORMAT.md.
//
// decode_snapshot checks the whole file before anything uses it: magic,
// version, both checksums of the header, every section's bounds and
// checksum, that each required section is there once and has the right
// size, and the fields strata itself defines. check_cpu then checks that
// the snapshot belongs on this machine. Only a ValidSnapshot, which only
// both together make, can be restored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/kvm/snapshot.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

inline constexpr std::string_view kSnapshotMagic = "STRATASN";
inline constexpr std::uint32_t kSnapshotFormatVersion = 1;
inline constexpr std::size_t kSnapshotHeaderSize = 128;
inline constexpr std::size_t kSnapshotTableEntrySize = 32;
inline constexpr std::size_t kMaxSnapshotFile = 256u << 20;  // far above a tinyos machine's few hundred KiB

// The strata version written into (and demanded of) snapshots.
std::string_view strata_version();

enum class SectionId : std::uint32_t {
    machine = 0x01,  // strata: workload, checkpoint
    cpuid = 0x10, regs, sregs, fpu, xsave, xcrs, lapic, msrs, vcpu_events, debugregs, mp_state,
    pic_master = 0x20, pic_slave, ioapic, pit, clock,
    uart = 0x30, guest_trace,
    memory = 0x40,
};
// "vcpu.regs"; "section 0x…" for an id strata does not write.
std::string section_name(SectionId id);
// What it holds, for a learner: "general registers (struct kvm_regs)".
std::string_view section_meaning(SectionId id);
// Every section, in the order strata writes (and restore uses) them.
std::span<const SectionId> all_sections();

struct SectionEntry {
    SectionId id;
    std::uint64_t offset = 0, size = 0;
    std::uint32_t crc = 0;
};

struct DecodedSnapshot {
    Snapshot snapshot;
    std::vector<SectionEntry> table;
    std::uint64_t file_size = 0;
};

// The file's bytes; `table` (optional) receives where each section went.
std::vector<std::uint8_t> encode_snapshot(const Snapshot& snapshot, std::vector<SectionEntry>* table = nullptr);
// The container alone: the header (from `origin`) and the table around
// these payloads, in this order, checksums and all. encode_snapshot is
// this with every section; tests and the fuzzer build odd files with it.
using SectionPayloads = std::vector<std::pair<SectionId, std::vector<std::uint8_t>>>;
std::vector<std::uint8_t> encode_container(const SnapshotOrigin& origin, const SectionPayloads& payloads,
                                           std::vector<SectionEntry>* table = nullptr);
// The whole file checked and decoded, or an Error saying precisely what
// is wrong with it (truncated, corrupt, other version, malformed section).
Result<DecodedSnapshot> decode_snapshot(std::span<const std::uint8_t> file);
// Whether a snapshot taken at `origin` may be restored on `here`.
Result<void> check_cpu(const SnapshotOrigin& origin, const HostCpu& here);

// Decoded and checked against this host: what restore takes.
class ValidSnapshot {
public:
    const Snapshot& snapshot() const { return decoded_.snapshot; }
    const std::vector<SectionEntry>& table() const { return decoded_.table; }
    std::uint64_t file_size() const { return decoded_.file_size; }

private:
    explicit ValidSnapshot(DecodedSnapshot decoded) : decoded_(std::move(decoded)) {}
    friend Result<ValidSnapshot> validate_snapshot(DecodedSnapshot decoded, const HostCpu& here);
    DecodedSnapshot decoded_;
};
// check_cpu on what decode_snapshot made of a file.
Result<ValidSnapshot> validate_snapshot(DecodedSnapshot decoded, const HostCpu& here);
// decode_snapshot, then the same.
Result<ValidSnapshot> validate_snapshot(std::span<const std::uint8_t> file, const HostCpu& here);

// The file through the VFS, each recorded as the VMM's system call. A
// file larger than kMaxSnapshotFile is refused unread.
Result<std::vector<std::uint8_t>> read_snapshot_file(engine::Recorder& recorder, const std::filesystem::path& path);
Result<void> write_snapshot_file(engine::Recorder& recorder, const std::filesystem::path& path,
                                 std::span<const std::uint8_t> bytes);

}  // namespace strata::kvm
