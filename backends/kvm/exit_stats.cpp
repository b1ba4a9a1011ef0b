#include "backends/kvm/exit_stats.hpp"

#include <array>
#include <cerrno>

#include <fmt/format.h>
#include <unistd.h>

#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

namespace {

constexpr std::array kCounters = {
    ExitCounter{"exits", "VM exits"},
    ExitCounter{"halt_exits", "HLT"},
    ExitCounter{"io_exits", "port I/O"},
    ExitCounter{"mmio_exits", "MMIO"},
    ExitCounter{"irq_exits", "host interrupts"},
    ExitCounter{"irq_window_exits", "interrupt window"},
    ExitCounter{"signal_exits", "signals to the VMM thread"},
    ExitCounter{"pf_taken", "page faults KVM handled"},
    ExitCounter{"insn_emulation", "instructions KVM emulated"},
    ExitCounter{"irq_injections", "interrupts KVM injected"},
    ExitCounter{"hypercalls", "hypercalls"},
};

constexpr const char* kNoStatsHint =
    "KVM's binary statistics (KVM_GET_STATS_FD) arrived in Linux 5.14, and some nested hypervisors do "
    "not offer them; strata then counts only the returns of KVM_RUN, not the VM exits KVM handles itself";

}  // namespace

std::span<const ExitCounter> exit_counters() { return kCounters; }

std::uint64_t KvmExitCounts::of(std::string_view stat) const {
    for (const auto& [name, value] : counters)
        if (name == stat) return value;
    return 0;
}

bool KvmExitCounts::has(std::string_view stat) const {
    for (const auto& entry : counters)
        if (entry.first == stat) return true;
    return false;
}

std::uint64_t KvmExitCounts::kept_in_kvm() const {
    const std::uint64_t all = vm_exits();
    return all > returns_for_exits ? all - returns_for_exits : 0;
}

Result<std::vector<std::uint8_t>> read_stats_bytes(int fd, std::size_t offset, std::size_t size) {
    std::vector<std::uint8_t> bytes(size);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return engine::errno_error("pread(KVM statistics fd)", errno, {}, kNoStatsHint);
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

Result<VcpuStats> VcpuStats::open(Recorder& recorder, int kvm_fd, int vcpu_fd, std::string_view of) {
    auto present = traced_ioctl(recorder, kvm_fd, KVM_CHECK_EXTENSION, static_cast<unsigned long>(KVM_CAP_BINARY_STATS_FD),
                                {{"capability", "KVM_CAP_BINARY_STATS_FD"}});
    if (!present) return std::unexpected(present.error());
    if (*present <= 0)
        return engine::plain_error("KVM_CAP_BINARY_STATS_FD", "this KVM has no binary statistics", kNoStatsHint);
    auto fd = traced_ioctl(recorder, vcpu_fd, KVM_GET_STATS_FD, 0ul, {{"of", std::string(of)}});
    if (!fd) return std::unexpected(fd.error());
    sys::Fd stats_fd(*fd);

    // The header says how much more to read; then the schema, once.
    auto header = read_stats_bytes(stats_fd.get(), 0, kStatsHeaderSize);
    if (!header) return std::unexpected(header.error());
    auto size = stats_schema_size(*header);
    if (!size) return std::unexpected(size.error());
    auto head = read_stats_bytes(stats_fd.get(), 0, *size);
    if (!head) return std::unexpected(head.error());
    auto schema = parse_stats_schema(*head);
    if (!schema) return std::unexpected(schema.error());
    return VcpuStats(std::move(stats_fd), std::move(*schema));
}

Result<std::vector<std::uint64_t>> VcpuStats::sample() const {
    auto data = read_stats_bytes(fd_.get(), schema_.data_offset, schema_.data_size);
    if (!data) return std::unexpected(data.error());
    return read_stats_data(schema_, *data);
}

KvmExitCounts VcpuStats::difference(const std::vector<std::uint64_t>& before,
                                    const std::vector<std::uint64_t>& after) const {
    KvmExitCounts counts;
    for (const auto& counter : kCounters) {
        auto at = find_stat(schema_, counter.stat);
        if (!at || *at >= before.size() || *at >= after.size()) continue;
        if (schema_.stats[*at].type != StatType::cumulative) continue;
        const std::uint64_t b = before[*at], a = after[*at];
        counts.counters.emplace_back(std::string(counter.stat), a > b ? a - b : 0);
    }
    return counts;
}

}  // namespace strata::kvm
