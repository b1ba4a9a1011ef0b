#include "backends/kvm/synthetic_stats.hpp"

#include <cstring>

#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm::synthetic {

namespace {

std::uint32_t type_flag(StatType t) {
    switch (t) {
        case StatType::cumulative: return KVM_STATS_TYPE_CUMULATIVE;
        case StatType::instant: return KVM_STATS_TYPE_INSTANT;
        case StatType::peak: return KVM_STATS_TYPE_PEAK;
        case StatType::linear_hist: return KVM_STATS_TYPE_LINEAR_HIST;
        case StatType::log_hist: return KVM_STATS_TYPE_LOG_HIST;
        case StatType::unknown: return 0xf;
    }
    return 0;
}

std::uint32_t unit_flag(StatUnit u) {
    switch (u) {
        case StatUnit::none: return KVM_STATS_UNIT_NONE;
        case StatUnit::bytes: return KVM_STATS_UNIT_BYTES;
        case StatUnit::seconds: return KVM_STATS_UNIT_SECONDS;
        case StatUnit::cycles: return KVM_STATS_UNIT_CYCLES;
        case StatUnit::boolean: return KVM_STATS_UNIT_BOOLEAN;
        case StatUnit::unknown: return 0xf0;
    }
    return 0;
}

template <class T>
void put(std::vector<std::uint8_t>& file, std::size_t at, T value) {
    std::memcpy(file.data() + at, &value, sizeof(T));
}

}  // namespace

void put_u32(std::vector<std::uint8_t>& file, std::size_t at, std::uint32_t value) { put(file, at, value); }

std::uint32_t get_u32(const std::vector<std::uint8_t>& file, std::size_t at) {
    std::uint32_t value = 0;
    std::memcpy(&value, file.data() + at, sizeof value);
    return value;
}

std::vector<std::uint8_t> stats_file(const std::string& id, const std::vector<Stat>& stats, std::uint32_t name_size,
                                     bool reverse_offsets) {
    const std::size_t id_offset = sizeof(kvm_stats_header);
    const std::size_t desc_offset = id_offset + name_size;
    const std::size_t desc_size = sizeof(kvm_stats_desc) + name_size;
    const std::size_t data_offset = desc_offset + stats.size() * desc_size;
    std::size_t data_size = 0;
    for (const auto& s : stats) data_size += s.values.size() * 8;
    std::vector<std::uint8_t> file(data_offset + data_size, 0);

    put<std::uint32_t>(file, offsetof(kvm_stats_header, flags), 0);
    put<std::uint32_t>(file, offsetof(kvm_stats_header, name_size), name_size);
    put<std::uint32_t>(file, offsetof(kvm_stats_header, num_desc), static_cast<std::uint32_t>(stats.size()));
    put<std::uint32_t>(file, offsetof(kvm_stats_header, id_offset), static_cast<std::uint32_t>(id_offset));
    put<std::uint32_t>(file, offsetof(kvm_stats_header, desc_offset), static_cast<std::uint32_t>(desc_offset));
    put<std::uint32_t>(file, offsetof(kvm_stats_header, data_offset), static_cast<std::uint32_t>(data_offset));
    if (name_size > 0) std::memcpy(file.data() + id_offset, id.data(), std::min<std::size_t>(id.size(), name_size - 1));

    std::size_t next = 0;
    for (std::size_t k = 0; k < stats.size(); ++k) {
        const std::size_t i = reverse_offsets ? stats.size() - 1 - k : k;
        const auto& s = stats[i];
        const std::size_t at = desc_offset + i * desc_size;
        put<std::uint32_t>(file, at + offsetof(kvm_stats_desc, flags), type_flag(s.type) | unit_flag(s.unit));
        put<std::int16_t>(file, at + offsetof(kvm_stats_desc, exponent), s.exponent);
        put<std::uint16_t>(file, at + offsetof(kvm_stats_desc, size), static_cast<std::uint16_t>(s.values.size()));
        put<std::uint32_t>(file, at + offsetof(kvm_stats_desc, offset), static_cast<std::uint32_t>(next));
        if (name_size > 0)
            std::memcpy(file.data() + at + sizeof(kvm_stats_desc), s.name.data(), std::min<std::size_t>(s.name.size(), name_size - 1));
        for (std::size_t v = 0; v < s.values.size(); ++v) put<std::uint64_t>(file, data_offset + next + v * 8, s.values[v]);
        next += s.values.size() * 8;
    }
    return file;
}

}  // namespace strata::kvm::synthetic
