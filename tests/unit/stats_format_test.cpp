// KVM's binary statistics parser, on made-up files: what a well-formed
// file gives, and that every malformed one is refused with a reason.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "backends/kvm/exit_stats.hpp"
#include "backends/kvm/stats_format.hpp"
#include "backends/kvm/synthetic_stats.hpp"

using namespace strata::kvm;
namespace syn = strata::kvm::synthetic;

namespace {

// Roughly what Linux 6.x gives for a vCPU: counters, a time in ns, a
// histogram, an instant value.
std::vector<syn::Stat> vcpu_like() {
    return {{"halt_wait_ns", StatType::cumulative, StatUnit::seconds, -9, {1500}},
            {"halt_wait_hist", StatType::log_hist, StatUnit::seconds, -9, std::vector<std::uint64_t>(32, 7)},
            {"blocking", StatType::instant, StatUnit::boolean, 0, {1}},
            {"exits", StatType::cumulative, StatUnit::none, 0, {23}},
            {"halt_exits", StatType::cumulative, StatUnit::none, 0, {1}},
            {"io_exits", StatType::cumulative, StatUnit::none, 0, {22}}};
}

std::span<const std::uint8_t> data_of(const std::vector<std::uint8_t>& file, const StatsSchema& schema) {
    return std::span(file).subspan(schema.data_offset);
}

}  // namespace

TEST_CASE("A well-formed statistics file gives its id, every descriptor and every value", "[kvm-stats]") {
    const bool reversed = GENERATE(false, true);
    CAPTURE(reversed);
    const auto file = syn::stats_file("kvm-1234/vcpu-0", vcpu_like(), 48, reversed);
    auto schema = parse_stats_schema(file);
    REQUIRE(schema);
    CHECK(schema->id == "kvm-1234/vcpu-0");
    REQUIRE(schema->stats.size() == 6);
    CHECK(schema->stats[0].name == "halt_wait_ns");
    CHECK(schema->stats[0].unit == StatUnit::seconds);
    CHECK(schema->stats[0].exponent == -9);
    CHECK(schema->stats[1].type == StatType::log_hist);
    CHECK(schema->stats[1].size == 32);
    CHECK(schema->stats[2].type == StatType::instant);
    CHECK(schema->data_size == (1 + 32 + 1 + 3) * 8);

    auto values = read_stats_data(*schema, data_of(file, *schema));
    REQUIRE(values);
    CHECK(*values == std::vector<std::uint64_t>{1500, 7, 1, 23, 1, 22});
    CHECK(find_stat(*schema, "halt_exits") == 4u);
    CHECK_FALSE(find_stat(*schema, "nested_run"));
}

TEST_CASE("The header alone says how many bytes the schema needs", "[kvm-stats]") {
    const auto file = syn::stats_file("kvm-1/vcpu-0", vcpu_like());
    auto size = stats_schema_size(std::span(file).first(kStatsHeaderSize));
    REQUIRE(size);
    CHECK(*size == syn::get_u32(file, syn::kHeaderDataOffset));
    // A file cut anywhere before that is refused, never read past its end.
    const std::size_t cut = GENERATE(0u, 10u, 23u, 24u, 50u, 100u);
    CAPTURE(cut);
    auto schema = parse_stats_schema(std::span(file).first(cut));
    REQUIRE_FALSE(schema);
    CHECK_FALSE(schema.error().message.empty());
    CHECK_FALSE(schema.error().hint.empty());
}

TEST_CASE("Malformed headers are refused with a reason", "[kvm-stats]") {
    using Case = std::tuple<const char*, std::size_t, std::uint32_t>;
    const auto [what, field, value] = GENERATE(table<const char*, std::size_t, std::uint32_t>({
        Case{"no room for names", syn::kHeaderNameSize, 0},
        Case{"names larger than the limit", syn::kHeaderNameSize, kStatsMaxNameSize + 1},
        Case{"more descriptors than the limit", syn::kHeaderNumDesc, kStatsMaxDescriptors + 1},
        Case{"more descriptors than the file holds", syn::kHeaderNumDesc, 1000},
        Case{"an id inside the header", syn::kHeaderIdOffset, 8},
        Case{"descriptors inside the header", syn::kHeaderDescOffset, 0},
        Case{"data inside the header", syn::kHeaderDataOffset, 4},
        Case{"data before the descriptors end", syn::kHeaderDataOffset, 100},
        Case{"an id overlapping the descriptors", syn::kHeaderIdOffset, 80},
        Case{"an id far past the end", syn::kHeaderIdOffset, 0xfffffff0u},
        Case{"descriptors far past the end", syn::kHeaderDescOffset, 0xfffffff0u},
    }));
    CAPTURE(what);
    auto file = syn::stats_file("kvm-1/vcpu-0", vcpu_like());
    syn::put_u32(file, field, value);
    auto schema = parse_stats_schema(file);
    REQUIRE_FALSE(schema);
    CHECK(schema.error().operation == "KVM statistics");
    CHECK_FALSE(schema.error().message.empty());
}

TEST_CASE("Descriptors that do not add up are refused", "[kvm-stats]") {
    SECTION("a name that fills its field with no NUL") {
        auto file = syn::stats_file("kvm-1/vcpu-0", {{std::string(60, 'x')}}, 16);
        // stats_file cuts names to fit with a NUL; overwrite the NUL.
        const std::size_t name_at = kStatsHeaderSize + 16 + kStatsDescriptorSize;
        for (std::size_t i = 0; i < 16; ++i) file[name_at + i] = 'x';
        CHECK_FALSE(parse_stats_schema(file));
    }
    SECTION("an id with no NUL") {
        auto file = syn::stats_file("kvm-1/vcpu-0", {{"exits"}}, 16);
        for (std::size_t i = 0; i < 16; ++i) file[kStatsHeaderSize + i] = 'k';
        CHECK_FALSE(parse_stats_schema(file));
    }
    SECTION("a statistic of no values") {
        auto file = syn::stats_file("kvm-1/vcpu-0", {{"exits", StatType::cumulative, StatUnit::none, 0, {}}});
        CHECK_FALSE(parse_stats_schema(file));
    }
    SECTION("an empty name") {
        auto file = syn::stats_file("kvm-1/vcpu-0", {{""}});
        CHECK_FALSE(parse_stats_schema(file));
    }
    SECTION("a value past the largest file strata reads") {
        auto file = syn::stats_file("kvm-1/vcpu-0", {{"exits"}});
        const std::size_t offset_at = kStatsHeaderSize + 48 + 8;  // kvm_stats_desc.offset
        syn::put_u32(file, offset_at, kStatsMaxFileSize);
        CHECK_FALSE(parse_stats_schema(file));
    }
}

TEST_CASE("A data block shorter than the descriptors cover is refused", "[kvm-stats]") {
    const auto file = syn::stats_file("kvm-1/vcpu-0", vcpu_like());
    auto schema = parse_stats_schema(file);
    REQUIRE(schema);
    auto short_read = read_stats_data(*schema, data_of(file, *schema).first(schema->data_size - 1));
    REQUIRE_FALSE(short_read);
    CHECK_FALSE(short_read.error().hint.empty());
    // A schema edited by hand is checked again, not trusted.
    schema->stats.back().offset = schema->data_size;
    CHECK_FALSE(read_stats_data(*schema, data_of(file, *schema)));
}

TEST_CASE("Exit counts are KVM's counters' changes, less the exits the VMM handled", "[kvm-stats]") {
    KvmExitCounts counts;
    counts.counters = {{"exits", 312}, {"halt_exits", 100}, {"io_exits", 205}};
    counts.returns_for_exits = 1;
    CHECK(counts.vm_exits() == 312);
    CHECK(counts.kept_in_kvm() == 311);
    CHECK(counts.of("halt_exits") == 100);
    CHECK(counts.has("io_exits"));
    CHECK_FALSE(counts.has("mmio_exits"));
    CHECK(counts.of("mmio_exits") == 0);
    // A kernel whose count is below strata's (it never should be) reads 0
    // kept, not a wrapped-around number.
    counts.returns_for_exits = 400;
    CHECK(counts.kept_in_kvm() == 0);
}
