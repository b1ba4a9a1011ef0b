// Fuzzes the parser of KVM's binary statistics files (stats_format.hpp).
// With an even first byte the rest of the input is the file as it is; with
// an odd one it edits a well-formed file (a header field, a descriptor
// byte, a cut), so the fuzzer reaches the descriptor and data checks past
// the header's. Beyond "no crash": an accepted schema is safe to use —
// every statistic lies inside the data block it describes, every read of
// that block gives one value per statistic — and a refusal explains itself.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "backends/kvm/stats_format.hpp"
#include "backends/kvm/synthetic_stats.hpp"

using namespace strata::kvm;

namespace {

std::vector<std::uint8_t> edited(const std::uint8_t* data, std::size_t size) {
    auto file = synthetic::stats_file("kvm-1/vcpu-0", {{"exits", StatType::cumulative, StatUnit::none, 0, {5}},
                                                       {"halt_wait_hist", StatType::log_hist, StatUnit::seconds, -9,
                                                        std::vector<std::uint64_t>(32, 1)},
                                                       {"halt_exits", StatType::cumulative, StatUnit::none, 0, {3}}},
                                      48, size > 0 && (data[0] & 1));
    // Each 5 bytes: where (2 bytes, modulo the file) and what (a u32 or a cut).
    for (std::size_t i = 0; i + 5 <= size; i += 5) {
        const std::size_t at = (std::size_t{data[i]} | std::size_t{data[i + 1]} << 8) % (file.size() + 1);
        const std::uint32_t value = std::uint32_t{data[i + 2]} | std::uint32_t{data[i + 3]} << 8 |
                                    std::uint32_t{data[i + 4]} << 16;
        if (data[i + 4] == 0xff) {
            file.resize(at);
        } else if (at + 4 <= file.size()) {
            synthetic::put_u32(file, at, value);
        }
    }
    return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::vector<std::uint8_t> file =
        (data[0] & 1) ? edited(data + 1, size - 1) : std::vector<std::uint8_t>(data + 1, data + size);

    auto schema = parse_stats_schema(file);
    if (!schema) {
        if (schema.error().message.empty() || schema.error().hint.empty()) std::abort();
        return 0;
    }
    if (schema->data_offset > kStatsMaxFileSize || schema->data_size > kStatsMaxFileSize) std::abort();
    for (const auto& stat : schema->stats) {
        if (stat.size == 0 || stat.name.empty()) std::abort();
        if (std::uint64_t{stat.offset} + std::uint64_t{stat.size} * 8 > schema->data_size) std::abort();
    }
    // The data block as the file holds it (it may be cut short).
    const std::size_t from = std::min<std::size_t>(schema->data_offset, file.size());
    std::span<const std::uint8_t> block(file.data() + from, file.size() - from);
    auto values = read_stats_data(*schema, block);
    if (values && values->size() != schema->stats.size()) std::abort();
    if (!values && block.size() >= schema->data_size) std::abort();  // a whole block must read
    return 0;
}
