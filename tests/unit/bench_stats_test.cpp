#include <catch2/catch.hpp>

#include "bench/stats.hpp"
#include "bench/compare_bench.hpp"
#include "bench/vm_hello_bench.hpp"

using namespace strata::bench;

TEST_CASE("Summaries give the median, min and max of a sample", "[unit][bench]") {
    SECTION("odd count") {
        const auto s = summarize({5, 1, 3});
        CHECK(s.median == 3);
        CHECK(s.min == 1);
        CHECK(s.max == 5);
        CHECK(s.count == 3);
    }
    SECTION("even count: the mean of the middle two") { CHECK(summarize({4, 1, 3, 2}).median == 2.5); }
    SECTION("empty") { CHECK(summarize({}).count == 0); }
}

TEST_CASE("The raw bench program's lines are parsed, and bad lines named", "[unit][bench]") {
    const auto good = parse_stage_lines(
        "{\"open\":1,\"create_vm\":2,\"memory\":3,\"create_vcpu\":4,\"registers\":5,\"first_run\":6,\"total\":21}\n"
        "{\"open\":2,\"create_vm\":2,\"memory\":3,\"create_vcpu\":4,\"registers\":5,\"first_run\":6,\"total\":22}\n");
    REQUIRE(good);
    CHECK(good->at("open") == std::vector<double>{1, 2});
    CHECK(good->at("total").size() == 2);

    const auto missing = parse_stage_lines("{\"open\":1}\n");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("create_vm") != std::string::npos);
    CHECK_FALSE(parse_stage_lines("not json\n"));
}

TEST_CASE("Sizes print in the kernel's binary units, and ratios refuse a missing baseline", "[unit][bench]") {
    CHECK(format_bytes(96) == "96 B");
    CHECK(format_bytes(812 * 1024.0) == "812 KiB");
    CHECK(format_bytes(3.4 * 1024 * 1024) == "3.4 MiB");
    CHECK(format_bytes(2.5 * 1024 * 1024 * 1024) == "2.50 GiB");
    CHECK(ratio(30, 10) == 3);
    CHECK(ratio(30, 0) == 0);   // no baseline: no ratio, not infinity
    CHECK(ratio(30, -1) == 0);
}

TEST_CASE("Density steps through 1, 5, 10, 20 up to the largest count asked for", "[unit][bench]") {
    CHECK(density_counts(20) == std::vector<int>{1, 5, 10, 20});
    CHECK(density_counts(10) == std::vector<int>{1, 5, 10});
    CHECK(density_counts(7) == std::vector<int>{1, 5, 7});
    CHECK(density_counts(1) == std::vector<int>{1});
    CHECK(density_counts(30) == std::vector<int>{1, 5, 10, 20, 30});
}
