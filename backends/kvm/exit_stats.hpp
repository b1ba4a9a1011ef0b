// KVM's own count of a vCPU's VM exits, read around each run.
//
// Two things are easy to confuse, and strata counts both:
//   - a **VM exit**: the CPU leaves guest mode. KVM handles most of them in
//     the kernel (a HLT with an in-kernel irqchip, a timer interrupt, the
//     guest's EOI to the in-kernel PIC, a first touch of a guest page) and
//     enters the guest again without the VMM ever knowing;
//   - an **exit to the VMM**: KVM_RUN returns, because the exit needs the
//     VMM (a port only it emulates, a HLT with no irqchip) or a signal came.
// The run loop records the second as vm-exit events. The first only KVM
// can count: its binary statistics (KVM_GET_STATS_FD, Linux 5.14+), which
// VcpuStats reads before and after a run. Where they are missing (older
// kernels, hypervisors that do not offer them) strata says so and counts
// returns only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/kvm/ioctl.hpp"
#include "backends/kvm/stats_format.hpp"
#include "backends/sys/fd.hpp"

namespace strata::kvm {

// The vCPU statistics strata shows, in one table shared by the code and
// the labels. The names are the kernel's (arch/x86/kvm/x86.c); a kernel
// may lack some, and then they are left out, never shown as 0.
struct ExitCounter {
    std::string_view stat;   // "halt_exits"
    std::string_view label;  // "HLT"
};
std::span<const ExitCounter> exit_counters();

// What changed in KVM's counters over one run. `counters` holds each
// statistic of exit_counters() that the kernel has, in table order.
struct KvmExitCounts {
    std::vector<std::pair<std::string, std::uint64_t>> counters;
    std::uint64_t returns_for_exits = 0;  // KVM_RUN returns the VMM handled an exit for

    // The change of one counter; 0 when the kernel does not count it.
    std::uint64_t of(std::string_view stat) const;
    bool has(std::string_view stat) const;
    std::uint64_t vm_exits() const { return of("exits"); }
    // VM exits KVM handled without returning to the VMM. KVM counts an
    // exit that then returns, too; so does strata: the difference.
    std::uint64_t kept_in_kvm() const;
};

// One vCPU's statistics fd, its schema parsed once.
class VcpuStats {
public:
    // KVM_CHECK_EXTENSION(KVM_CAP_BINARY_STATS_FD) on /dev/kvm, then
    // KVM_GET_STATS_FD on the vCPU, both recorded; reads and parses the
    // header and descriptors. An error says why there are no statistics.
    // A VM's fd works too (its statistics: pages mapped, ...): `of` names
    // whose they are in the recorded call.
    static Result<VcpuStats> open(Recorder& recorder, int kvm_fd, int vcpu_fd, std::string_view of = "the vCPU");

    // One sample of every statistic's first value (a pread of the data block).
    Result<std::vector<std::uint64_t>> sample() const;
    // The change from `before` to `after` of exit_counters() (cumulative
    // counters only; a counter that went down reads 0).
    KvmExitCounts difference(const std::vector<std::uint64_t>& before, const std::vector<std::uint64_t>& after) const;
    const StatsSchema& schema() const { return schema_; }

private:
    VcpuStats(sys::Fd fd, StatsSchema schema) : fd_(std::move(fd)), schema_(std::move(schema)) {}
    sys::Fd fd_;
    StatsSchema schema_;
};

// Reads a whole region of a file into bytes (pread until `size` or EOF).
Result<std::vector<std::uint8_t>> read_stats_bytes(int fd, std::size_t offset, std::size_t size);

}  // namespace strata::kvm
