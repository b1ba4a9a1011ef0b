// The software page walk against hand-built tables: every level, large
// pages, missing entries, bad addresses and tables outside RAM.
#include <catch2/catch.hpp>

#include <map>

#include "backends/kvm/page_walk.hpp"

using namespace strata::kvm;

namespace {

// Guest "RAM" as a map of 8-byte entries; anything else is outside RAM.
struct Tables {
    std::map<std::uint64_t, std::uint64_t> entries;
    PhysicalReader reader() const {
        return [this](std::uint64_t gpa) -> std::optional<std::uint64_t> {
            if (gpa >= 0x100000) return std::nullopt;
            auto it = entries.find(gpa);
            return it == entries.end() ? 0 : it->second;
        };
    }
};

constexpr std::uint64_t P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, NX = 1ull << 63;

}  // namespace

TEST_CASE("A 4 KiB page is found through PML4, PDPT, PD and PT", "[unit][paging]") {
    Tables t;
    // VA 0x0000_7f80_4020_3abc: PML4 255, PDPT 2, PD 1, PT 3, offset 0xabc.
    const std::uint64_t va = (255ull << 39) | (2ull << 30) | (1ull << 21) | (3ull << 12) | 0xabc;
    t.entries[0x1000 + 8 * 255] = 0x2000 | P | RW | US;
    t.entries[0x2000 + 8 * 2] = 0x3000 | P | RW | US | A;
    t.entries[0x3000 + 8 * 1] = 0x4000 | P | RW | US;
    t.entries[0x4000 + 8 * 3] = 0x55000 | P | US | A | D | NX;
    const auto walk = walk_page_tables(0x1000, va, t.reader());
    REQUIRE(walk.physical);
    CHECK(*walk.physical == 0x55abc);
    CHECK(walk.page_size == 4096);
    REQUIRE(walk.entries.size() == 4);
    CHECK(walk.entries[0].table == "PML4");
    CHECK(walk.entries[0].index == 255);
    CHECK(walk.entries[3].table == "PT");
    CHECK(walk.entries[3].entry_gpa == 0x4018);
    CHECK(walk.entries[3].flags == std::vector<std::string>{"P", "US", "A", "D", "NX"});
    // Effective rights combine every level: the PT entry is read-only.
    CHECK_FALSE(walk.writable);
    CHECK(walk.user);
    CHECK_FALSE(walk.executable);
}

TEST_CASE("A PS entry in the PD maps a 2 MiB page and ends the walk early", "[unit][paging]") {
    Tables t;
    const std::uint64_t va = 0xffff800000000000ull + 0x12345;
    t.entries[0x1000 + 8 * 256] = 0x2000 | P | RW;
    t.entries[0x2000] = 0x3000 | P | RW;
    t.entries[0x3000] = 0x200000 | P | RW | PS;
    const auto walk = walk_page_tables(0x1000, va, t.reader());
    REQUIRE(walk.physical);
    CHECK(*walk.physical == 0x212345);
    CHECK(walk.page_size == 2 * 1024 * 1024);
    CHECK(walk.entries.size() == 3);
    CHECK(walk.entries.back().flags == std::vector<std::string>{"P", "RW", "PS"});
    CHECK_FALSE(walk.user);
}

TEST_CASE("A walk stops where an entry is not present, naming the level", "[unit][paging]") {
    Tables t;
    t.entries[0x1000] = 0x2000 | P;
    const auto walk = walk_page_tables(0x1000, 0x1000, t.reader());
    CHECK_FALSE(walk.physical);
    CHECK(walk.entries.size() == 2);
    CHECK(walk.fault.find("PDPT[0] is not present") != std::string::npos);
}

TEST_CASE("Non-canonical addresses and tables outside RAM give no translation", "[unit][paging]") {
    Tables t;
    SECTION("non-canonical") {
        const auto walk = walk_page_tables(0x1000, 0x0000900000000000ull, t.reader());
        CHECK(walk.entries.empty());
        CHECK(walk.fault.find("not canonical") != std::string::npos);
    }
    SECTION("a CR3 or an entry pointing outside RAM (the guest controls both)") {
        t.entries[0x1000] = 0xfffff000ull | P;
        const auto walk = walk_page_tables(0x1000, 0x0, t.reader());
        CHECK_FALSE(walk.physical);
        CHECK(walk.fault.find("not in guest RAM") != std::string::npos);
        CHECK_FALSE(walk_page_tables(0xdead0000, 0, t.reader()).physical);
    }
}

TEST_CASE("Flag names depend on the level and on whether the entry maps a page", "[unit][paging]") {
    CHECK(page_entry_flags(P | PS, 2, true) == std::vector<std::string>{"P", "PS"});
    CHECK(page_entry_flags(P | PS, 1, true) == std::vector<std::string>{"P", "PAT"});
    CHECK(page_entry_flags(P | D | 0x100, 4, false) == std::vector<std::string>{"P"});  // D and G mean nothing there
}

TEST_CASE("The walk table has a row per level and the host address of the result", "[unit][paging]") {
    Tables t;
    t.entries[0x1000] = 0x2000 | P;
    t.entries[0x2000] = 0x3000 | P;
    t.entries[0x3000] = 0x200000 | P | PS;
    const auto walk = walk_page_tables(0x1000, 0x1234, t.reader());
    const auto table = page_walk_table(walk, "walk", [](std::uint64_t gpa) { return std::optional(0x7f0000000000 + gpa); });
    REQUIRE(table.rows.size() == 4);
    CHECK(table.rows.back()[0] == "result");
    CHECK(table.rows.back()[3] == "host-virtual 0x7f0000201234");
    CHECK(table.row_marked.size() == table.rows.size());
}
