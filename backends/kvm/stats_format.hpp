// KVM's binary statistics (KVM_GET_STATS_FD, Linux 5.14+), read as bytes.
//
// A VM fd and each vCPU fd can hand out a statistics fd. Its file is laid
// out as the KVM API documentation (Documentation/virt/kvm/api.rst,
// "KVM_GET_STATS_FD") describes: a header at offset 0, an id string, one
// descriptor per statistic (flags, exponent, size in u64s, offset into the
// data block, bucket size, then the name in header.name_size bytes) and the
// data block of u64 values. The header and descriptors never change for the
// life of the fd, so they are parsed once (parse_stats_schema); each sample
// reads only the data block (read_stats_data).
//
// Both are pure functions over bytes, with no <linux/kvm.h> in this header,
// so unit tests and the fuzzer feed them made-up files. The bytes come from
// the kernel, but strata treats them as untrusted like any other input:
// every offset and size is bounds-checked, and a file that does not add up
// is refused, not followed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"

namespace strata::kvm {

// KVM_STATS_TYPE_*: how a statistic's value behaves.
enum class StatType : std::uint8_t { cumulative, instant, peak, linear_hist, log_hist, unknown };
// KVM_STATS_UNIT_*.
enum class StatUnit : std::uint8_t { none, bytes, seconds, cycles, boolean, unknown };

struct StatDescriptor {
    std::string name;         // the kernel's name: "exits", "halt_exits", ...
    StatType type = StatType::unknown;
    StatUnit unit = StatUnit::unknown;
    std::int16_t exponent = 0;  // value * base^exponent is in `unit` (ns: -9)
    std::uint16_t size = 0;     // number of u64 values (1, or a histogram's buckets)
    std::uint32_t offset = 0;   // byte offset into the data block
};

struct StatsSchema {
    std::string id;  // "kvm-1234/vcpu-0"
    std::vector<StatDescriptor> stats;
    std::uint32_t data_offset = 0;  // where the data block starts in the file
    std::uint32_t data_size = 0;    // bytes of it the descriptors cover
};

// The layout's fixed sizes (the kernel's structs), for callers that read
// the file piece by piece and for synthetic files in tests.
inline constexpr std::size_t kStatsHeaderSize = 24;      // struct kvm_stats_header
inline constexpr std::size_t kStatsDescriptorSize = 16;  // struct kvm_stats_desc, without its name
// Limits beyond which a file is refused rather than believed: today's
// kernels have 48-byte names and under 100 statistics.
inline constexpr std::uint32_t kStatsMaxNameSize = 256;
inline constexpr std::uint32_t kStatsMaxDescriptors = 4096;
inline constexpr std::uint32_t kStatsMaxFileSize = 1u << 20;

// Parses header, id and descriptors from the first bytes of the file
// (at least up to the end of the descriptor block). Refuses headers whose
// blocks overlap the header or run past the limits, names without their
// terminating NUL, zero-sized statistics and values past kStatsMaxFileSize.
engine::Result<StatsSchema> parse_stats_schema(std::span<const std::uint8_t> file);

// The bytes a file must hold before parse_stats_schema can succeed: the
// header's claim, computed from its first kStatsHeaderSize bytes alone.
engine::Result<std::size_t> stats_schema_size(std::span<const std::uint8_t> header);

// One sample: the first value of every statistic, in schema order. `data`
// is the data block (data_size bytes from data_offset).
engine::Result<std::vector<std::uint64_t>> read_stats_data(const StatsSchema& schema,
                                                           std::span<const std::uint8_t> data);

// Index of the statistic called `name`, if the schema has it.
std::optional<std::size_t> find_stat(const StatsSchema& schema, std::string_view name);

}  // namespace strata::kvm
