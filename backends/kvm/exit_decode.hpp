// Decoding a VM exit: what the kvm_run area says about why the guest
// stopped, as a plain value. A pure function of the bytes of the kvm_run
// page, so it is unit-tested with made-up exits and fuzzed with random
// ones. Everything in the page is treated as untrusted: offsets and counts
// are checked against the page before anything is read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace strata::kvm {

struct IoExit {
    bool out = false;           // true: guest wrote (OUT), false: guest reads (IN)
    std::uint16_t port = 0;
    std::uint8_t size = 0;      // 1, 2 or 4 bytes per element
    std::uint32_t count = 0;    // elements (rep outs/ins)
    std::uint64_t data_offset = 0;  // where in the kvm_run page the data is
};

struct MmioExit {
    std::uint64_t address = 0;
    std::uint32_t length = 0;   // 1..8
    bool write = false;
    std::uint8_t data[8] = {};
};

struct HltExit {};
struct ShutdownExit {};  // triple fault: the guest's CPU reset itself
struct FailEntryExit {
    std::uint64_t hardware_reason = 0;
    std::uint32_t cpu = 0;
};
struct InternalErrorExit {
    std::uint32_t suberror = 0;
    std::vector<std::uint64_t> data;  // at most 16 words, as KVM defines
};
struct DebugExit {
    std::uint32_t exception = 0;
    std::uint64_t pc = 0, dr6 = 0, dr7 = 0;
};
struct SystemEventExit {
    std::uint32_t type = 0;  // KVM_SYSTEM_EVENT_SHUTDOWN / RESET / CRASH ...
};
struct InterruptedExit {};     // KVM_EXIT_INTR: a signal (watchdog, cancel)
struct IrqWindowExit {};       // the guest can take an interrupt now
struct HypercallExit {
    std::uint64_t nr = 0;
};
struct UnknownExit {
    std::uint32_t reason = 0;
    std::uint64_t hardware_reason = 0;  // for KVM_EXIT_UNKNOWN
};
// The page itself is inconsistent (too small, bad offsets): refuse it.
struct MalformedExit {
    std::string why;
};

using ExitInfo = std::variant<IoExit, MmioExit, HltExit, ShutdownExit, FailEntryExit, InternalErrorExit,
                              DebugExit, SystemEventExit, InterruptedExit, IrqWindowExit, HypercallExit,
                              UnknownExit, MalformedExit>;

ExitInfo decode_exit(std::span<const std::uint8_t> run_page);

// "KVM_EXIT_IO"; "KVM_EXIT_<n>" when strata does not know the number.
std::string exit_reason_name(std::uint32_t reason);
// "IO out port 0x3f8", "MMIO read 0xd0000000 (4 bytes)", "HLT", ...
std::string describe_exit(const ExitInfo& exit);
// Where kvm_run.mmio.data sits in the page: the VMM writes the value of an
// MMIO read there before re-entering the guest.
std::size_t mmio_data_offset();
// Why KVM_EXIT_INTERNAL_ERROR happened, for a learner.
std::string internal_error_name(std::uint32_t suberror);

}  // namespace strata::kvm
