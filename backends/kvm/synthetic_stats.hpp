// Made-up KVM statistics files (the layout of KVM_GET_STATS_FD), for the
// tests and the fuzzer of stats_format: no /dev/kvm needed, and no code
// outside backends/kvm needs <linux/kvm.h> for the flag values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/kvm/stats_format.hpp"

namespace strata::kvm::synthetic {

struct Stat {
    std::string name;
    StatType type = StatType::cumulative;
    StatUnit unit = StatUnit::none;
    std::int16_t exponent = 0;
    std::vector<std::uint64_t> values{0};  // size = values.size()
};

// A file as Linux 6.x lays it out: header, id, descriptors, data, with
// `name_size` bytes per name (48 today). Offsets into the data block are
// given in order unless `reverse_offsets` (the kernel does not promise order).
std::vector<std::uint8_t> stats_file(const std::string& id, const std::vector<Stat>& stats,
                                     std::uint32_t name_size = 48, bool reverse_offsets = false);

// Header field offsets, to corrupt a file on purpose.
inline constexpr std::size_t kHeaderNameSize = 4, kHeaderNumDesc = 8, kHeaderIdOffset = 12,
                             kHeaderDescOffset = 16, kHeaderDataOffset = 20;
void put_u32(std::vector<std::uint8_t>& file, std::size_t at, std::uint32_t value);
std::uint32_t get_u32(const std::vector<std::uint8_t>& file, std::size_t at);

}  // namespace strata::kvm::synthetic
