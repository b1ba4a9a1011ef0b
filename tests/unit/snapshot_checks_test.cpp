// vm/snapshot's judgements of a continuation and of a dirty log, as pure
// functions: they must accept a right continuation in any interleaving
// and catch a repeated or lost line, a wrong checksum, a page too many.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "backends/kvm/tinyos.hpp"
#include "lessons/vm/snapshot_checks.hpp"

using namespace strata::lessons::vm;

namespace {

std::string ticker(int from, int to) {
    std::string s;
    for (int i = from; i <= to; ++i) s += fmt::format("ticker: {}\n", i);
    return s;
}

std::string writer(int from, int to) {
    std::string s;
    for (int r = from; r <= to; ++r) s += fmt::format("writer: round {} wrote pages {}-{}\n", r, (r - 1) * 8, r * 8 - 1);
    return s;
}

const std::string kDone = fmt::format("writer: done, checksum {}\n", expected_writer_checksum());

}  // namespace

TEST_CASE("A continuation is judged program by program, whatever the interleaving", "[unit][snapshot]") {
    const std::string before = "tinyos 0.1 booting\ntinyos: entering user mode\n" + ticker(1, 7) + writer(1, 4);
    SECTION("right, interleaved one way or another") {
        CHECK(check_pause_phase(before, ticker(8, 24) + writer(5, 8) + kDone + "ticker: done\n"));
        CHECK(check_pause_phase(before, writer(5, 6) + ticker(8, 20) + writer(7, 8) + kDone + ticker(21, 24) + "ticker: done\n"));
        CHECK(same_per_program(ticker(8, 12) + writer(5, 5), writer(5, 5) + ticker(8, 12)));
    }
    SECTION("a number printed twice") {
        auto r = check_pause_phase(before, ticker(7, 24) + writer(5, 8) + kDone + "ticker: done\n");
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("\"ticker: 7\" where \"ticker: 8\" was due: a number repeated") != std::string::npos);
    }
    SECTION("a number lost") {
        auto r = check_pause_phase(before, ticker(9, 24) + writer(5, 8) + kDone + "ticker: done\n");
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("a number lost") != std::string::npos);
    }
    SECTION("a round done again") {
        auto r = check_pause_phase(before, ticker(8, 24) + writer(4, 8) + kDone + "ticker: done\n");
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("where round 5 was due") != std::string::npos);
    }
    SECTION("a wrong checksum: the pages were not what the writer wrote") {
        auto r = check_pause_phase(before, ticker(8, 24) + writer(5, 8) + "writer: done, checksum 12\nticker: done\n");
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("checksum is 12") != std::string::npos);
    }
    SECTION("stopped early") {
        CHECK_FALSE(check_pause_phase(before, ticker(8, 20)));
    }
    SECTION("two continuations that differ") {
        auto r = same_per_program(ticker(8, 12), ticker(8, 11) + "ticker: 13\n");
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("ticker's line 5 is \"ticker: 12\" in one and \"ticker: 13\" in the other") !=
              std::string::npos);
    }
}

TEST_CASE("Kernel lines are not a program's", "[unit][snapshot]") {
    const auto p = lines_by_program("tinyos: killed pid 4 (x): y\nticker: 1\nno colon here\nhog: burst 1 wrote 384 pages\n");
    CHECK(p.size() == 2);
    CHECK(p.at("ticker").front() == "ticker: 1");
    CHECK(p.at("hog").size() == 1);
}

TEST_CASE("A dirty bitmap is split into shared-data pages and the rest", "[unit][snapshot]") {
    // 1536 pages; the shared data is pages 1024-1535.
    std::vector<std::uint64_t> bitmap(24, 0);
    auto set = [&](std::uint64_t page) { bitmap[page / 64] |= std::uint64_t{1} << (page % 64); };
    for (std::uint64_t p = 1024 + 64; p < 1024 + 80; ++p) set(p);  // data pages 64-79
    set(0x20);                                                      // the trace ring
    set(0x108);                                                     // a kernel stack
    const auto c = count_dirty(bitmap, 1024, 512);
    CHECK(c.data_pages.size() == 16);
    CHECK(c.other_pages == 2);
    CHECK(matches_mark(c, 64, 16));
    CHECK_FALSE(matches_mark(c, 64, 15));
    CHECK_FALSE(matches_mark(c, 65, 16));
    CHECK(page_ranges(c.data_pages) == "64-79");
    set(1024 + 81);
    CHECK_FALSE(matches_mark(count_dirty(bitmap, 1024, 512), 64, 16));
    CHECK(page_ranges({1, 2, 3, 7, 9, 10}) == "1-3, 7, 9-10");
    CHECK(page_ranges({}) == "none");
}

TEST_CASE("The hog's checksum counts each page as the last burst that wrote it left it", "[unit][snapshot]") {
    // Bursts of 384, 128, 32, 8, 2 and 1 pages from page 0 on, wrapping at
    // 512: pages 0-31 end as burst 3 wrote them, 32-39 burst 4, 40-41
    // burst 5, 42 burst 6, 43-383 burst 1, 384-511 burst 2.
    auto round_of = [](std::uint64_t p) -> std::uint64_t {
        return p < 32 ? 0x23 : p < 40 ? 0x24 : p < 42 ? 0x25 : p == 42 ? 0x26 : p < 384 ? 0x21 : 0x22;
    };
    std::uint64_t sum = 0;
    for (std::uint64_t p = 0; p < 512; ++p)
        for (std::uint64_t i = 0; i < 512; ++i) sum += strata::kvm::tinyos::workload_word(p, round_of(p), i);
    CHECK(expected_hog_checksum() == sum);
}
