#include "backends/kvm/stats_format.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>

#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

// The sizes this parser assumes are the kernel's.
static_assert(sizeof(kvm_stats_header) == kStatsHeaderSize);
static_assert(sizeof(kvm_stats_desc) == kStatsDescriptorSize);
static_assert(offsetof(kvm_stats_desc, name) == kStatsDescriptorSize);

namespace {

constexpr const char* kOperation = "KVM statistics";
constexpr const char* kHint =
    "the statistics file KVM_GET_STATS_FD returned does not follow the layout in the KVM API "
    "documentation; strata counts only the returns of KVM_RUN on this machine";

// Host byte order: the file comes from this machine's kernel.
template <class T>
T load(std::span<const std::uint8_t> bytes, std::size_t at) {
    T value{};
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    return value;
}

std::unexpected<engine::Error> refuse(std::string why) { return engine::plain_error(kOperation, std::move(why), kHint); }

struct Header {
    std::uint32_t flags, name_size, num_desc, id_offset, desc_offset, data_offset;
};

engine::Result<Header> parse_header(std::span<const std::uint8_t> file) {
    if (file.size() < kStatsHeaderSize)
        return refuse(fmt::format("the file holds {} bytes, fewer than its {}-byte header", file.size(), kStatsHeaderSize));
    Header h{load<std::uint32_t>(file, offsetof(kvm_stats_header, flags)),
             load<std::uint32_t>(file, offsetof(kvm_stats_header, name_size)),
             load<std::uint32_t>(file, offsetof(kvm_stats_header, num_desc)),
             load<std::uint32_t>(file, offsetof(kvm_stats_header, id_offset)),
             load<std::uint32_t>(file, offsetof(kvm_stats_header, desc_offset)),
             load<std::uint32_t>(file, offsetof(kvm_stats_header, data_offset))};
    if (h.name_size == 0 || h.name_size > kStatsMaxNameSize)
        return refuse(fmt::format("name size {} is outside 1..{}", h.name_size, kStatsMaxNameSize));
    if (h.num_desc > kStatsMaxDescriptors)
        return refuse(fmt::format("{} statistics is more than the {} strata accepts", h.num_desc, kStatsMaxDescriptors));
    // 64-bit arithmetic: no sum below can wrap.
    const std::uint64_t id_end = std::uint64_t{h.id_offset} + h.name_size;
    const std::uint64_t desc_end =
        std::uint64_t{h.desc_offset} + std::uint64_t{h.num_desc} * (kStatsDescriptorSize + h.name_size);
    if (h.id_offset < kStatsHeaderSize || h.desc_offset < kStatsHeaderSize || h.data_offset < kStatsHeaderSize)
        return refuse("a block starts inside the header");
    if (id_end > kStatsMaxFileSize || desc_end > kStatsMaxFileSize || h.data_offset > kStatsMaxFileSize)
        return refuse(fmt::format("a block ends past {} bytes", kStatsMaxFileSize));
    // The id and the descriptors are read as they are: they must not
    // overlap each other, and the data block, which changes under them,
    // comes after both (the layout the API documents).
    const bool id_before_desc = id_end <= h.desc_offset;
    const bool desc_before_id = desc_end <= h.id_offset;
    if (h.num_desc > 0 && !id_before_desc && !desc_before_id) return refuse("the id string overlaps the descriptors");
    if (id_end > h.data_offset || desc_end > h.data_offset) return refuse("the data block starts before the id or descriptors end");
    return h;
}

// A NUL-terminated string in a field of `size` bytes.
engine::Result<std::string> fixed_string(std::span<const std::uint8_t> file, std::size_t at, std::size_t size,
                                         std::string_view what) {
    const auto* begin = reinterpret_cast<const char*>(file.data() + at);
    const void* nul = std::memchr(begin, '\0', size);
    if (!nul) return refuse(fmt::format("{} has no terminating NUL in its {} bytes", what, size));
    return std::string(begin, static_cast<const char*>(nul));
}

StatType type_of(std::uint32_t flags) {
    switch (flags & KVM_STATS_TYPE_MASK) {
        case KVM_STATS_TYPE_CUMULATIVE: return StatType::cumulative;
        case KVM_STATS_TYPE_INSTANT: return StatType::instant;
        case KVM_STATS_TYPE_PEAK: return StatType::peak;
        case KVM_STATS_TYPE_LINEAR_HIST: return StatType::linear_hist;
        case KVM_STATS_TYPE_LOG_HIST: return StatType::log_hist;
        default: return StatType::unknown;  // a newer kernel's type: kept, never counted
    }
}

StatUnit unit_of(std::uint32_t flags) {
    switch (flags & KVM_STATS_UNIT_MASK) {
        case KVM_STATS_UNIT_NONE: return StatUnit::none;
        case KVM_STATS_UNIT_BYTES: return StatUnit::bytes;
        case KVM_STATS_UNIT_SECONDS: return StatUnit::seconds;
        case KVM_STATS_UNIT_CYCLES: return StatUnit::cycles;
        case KVM_STATS_UNIT_BOOLEAN: return StatUnit::boolean;
        default: return StatUnit::unknown;
    }
}

}  // namespace

engine::Result<std::size_t> stats_schema_size(std::span<const std::uint8_t> header) {
    auto h = parse_header(header);
    if (!h) return std::unexpected(h.error());
    const std::uint64_t id_end = std::uint64_t{h->id_offset} + h->name_size;
    const std::uint64_t desc_end =
        std::uint64_t{h->desc_offset} + std::uint64_t{h->num_desc} * (kStatsDescriptorSize + h->name_size);
    return static_cast<std::size_t>(std::max(id_end, desc_end));
}

engine::Result<StatsSchema> parse_stats_schema(std::span<const std::uint8_t> file) {
    auto needed = stats_schema_size(file);
    if (!needed) return std::unexpected(needed.error());
    if (file.size() < *needed)
        return refuse(fmt::format("the header describes {} bytes of id and descriptors, the file holds {}", *needed,
                                  file.size()));
    const Header h = *parse_header(file);

    StatsSchema schema;
    schema.data_offset = h.data_offset;
    auto id = fixed_string(file, h.id_offset, h.name_size, "the id string");
    if (!id) return std::unexpected(id.error());
    schema.id = std::move(*id);

    std::uint64_t data_end = 0;
    schema.stats.reserve(h.num_desc);
    for (std::uint32_t i = 0; i < h.num_desc; ++i) {
        const std::size_t at = h.desc_offset + std::size_t{i} * (kStatsDescriptorSize + h.name_size);
        StatDescriptor d;
        const auto flags = load<std::uint32_t>(file, at + offsetof(kvm_stats_desc, flags));
        d.type = type_of(flags);
        d.unit = unit_of(flags);
        d.exponent = load<std::int16_t>(file, at + offsetof(kvm_stats_desc, exponent));
        d.size = load<std::uint16_t>(file, at + offsetof(kvm_stats_desc, size));
        d.offset = load<std::uint32_t>(file, at + offsetof(kvm_stats_desc, offset));
        auto name = fixed_string(file, at + kStatsDescriptorSize, h.name_size, fmt::format("statistic {}'s name", i));
        if (!name) return std::unexpected(name.error());
        d.name = std::move(*name);
        if (d.name.empty()) return refuse(fmt::format("statistic {} has an empty name", i));
        if (d.size == 0) return refuse(fmt::format("statistic {} ({}) holds no value", i, d.name));
        if (d.offset % 8 != 0) return refuse(fmt::format("statistic {} ({}) is not aligned to 8 bytes", i, d.name));
        const std::uint64_t end = std::uint64_t{d.offset} + std::uint64_t{d.size} * 8;
        if (std::uint64_t{h.data_offset} + end > kStatsMaxFileSize)
            return refuse(fmt::format("statistic {} ({}) ends past {} bytes", i, d.name, kStatsMaxFileSize));
        data_end = std::max(data_end, end);
        schema.stats.push_back(std::move(d));
    }
    schema.data_size = static_cast<std::uint32_t>(data_end);
    return schema;
}

engine::Result<std::vector<std::uint64_t>> read_stats_data(const StatsSchema& schema,
                                                           std::span<const std::uint8_t> data) {
    if (data.size() < schema.data_size)
        return refuse(fmt::format("the data block holds {} bytes, the descriptors cover {}", data.size(),
                                  schema.data_size));
    std::vector<std::uint64_t> values;
    values.reserve(schema.stats.size());
    for (const auto& d : schema.stats) {
        // The schema may not come from parse_stats_schema: check again.
        if (std::uint64_t{d.offset} + 8 > data.size())
            return refuse(fmt::format("statistic {} lies past the data block", d.name));
        values.push_back(load<std::uint64_t>(data, d.offset));
    }
    return values;
}

std::optional<std::size_t> find_stat(const StatsSchema& schema, std::string_view name) {
    for (std::size_t i = 0; i < schema.stats.size(); ++i)
        if (schema.stats[i].name == name) return i;
    return std::nullopt;
}

}  // namespace strata::kvm
