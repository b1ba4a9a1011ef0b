// Histogram facts: binning, and facts with histograms and multi-line series
// surviving a recording round trip (old recordings without them still load).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numeric>

#include "engine/facts_json.hpp"
#include "engine/histogram.hpp"

using namespace strata::engine;

TEST_CASE("Samples are binned from their minimum to their maximum in equal bins", "[unit][engine]") {
    SECTION("every sample lands in one bin, the maximum in the last") {
        const std::vector<double> sample = {1, 2, 2, 3, 4, 4, 4, 5};
        const auto bins = bin_samples(sample, 4);
        REQUIRE(bins.counts.size() == 4);
        CHECK(bins.low == 1);
        CHECK(bins.width == 1);
        CHECK(bins.high() == 5);
        CHECK(bins.counts == std::vector<std::size_t>{1, 2, 1, 4});  // [1,2) [2,3) [3,4) [4,5]
        CHECK(std::accumulate(bins.counts.begin(), bins.counts.end(), std::size_t(0)) == sample.size());
    }
    SECTION("equal values get one bin around them") {
        const auto bins = bin_samples(std::vector<double>{7, 7, 7}, 10);
        REQUIRE(bins.counts == std::vector<std::size_t>{3});
        CHECK(bins.width > 0);
        CHECK(bins.low < 7);
        CHECK(bins.high() > 7);
    }
    SECTION("nothing to bin") {
        CHECK(bin_samples(std::vector<double>{}, 10).counts.empty());
        CHECK(bin_samples(std::vector<double>{1, 2}, 0).counts.empty());
    }
    SECTION("values that are not numbers are left out") {
        const auto bins = bin_samples(std::vector<double>{1, std::nan(""), 3, std::numeric_limits<double>::infinity()}, 2);
        CHECK(bins.counts == std::vector<std::size_t>{1, 1});
    }
}

TEST_CASE("Histograms and series lines survive a round trip through a recording's facts", "[unit][engine]") {
    Facts f;
    f.set_histogram({"containers: start to ready", "ms", {1.5, 1.7, 3.0}});
    f.set_series({"density", "N", "MiB", {{1, 1.3}, {5, 1.8}}, "containers", {{"VMs", {{1, 1.1}, {5, 4.0}}}}});
    f.set_histogram({"containers: start to ready", "ms", {1.6}});  // same title: replaced
    const auto back = facts_from_json(facts_to_json(f));
    REQUIRE(back);
    REQUIRE(back->histograms.size() == 1);
    CHECK(back->histograms[0].samples == std::vector<double>{1.6});
    CHECK(back->histograms[0].unit == "ms");
    REQUIRE(back->series.size() == 1);
    CHECK(back->series[0].name == "containers");
    REQUIRE(back->series[0].more.size() == 1);
    CHECK(back->series[0].more[0].name == "VMs");
    CHECK(back->series[0].more[0].points[1].second == 4.0);

    SECTION("facts recorded before histograms existed still load") {
        auto old = facts_to_json(f);
        old.erase("histograms");
        for (auto& s : old["series"]) {
            s.erase("name");
            s.erase("more");
        }
        const auto loaded = facts_from_json(old);
        REQUIRE(loaded);
        CHECK(loaded->histograms.empty());
        CHECK(loaded->series[0].more.empty());
    }
    SECTION("a malformed histogram is an error, not an exception") {
        auto bad = facts_to_json(f);
        bad["histograms"][0]["samples"] = "many";
        CHECK_FALSE(facts_from_json(bad));
    }
}

TEST_CASE("A memory view keeps its kind through a recording, and older ones read as data", "[unit][engine]") {
    Facts f;
    f.memory.push_back({"guest code", 0x1000, 0x7f0000001000, {0xb0, 0x48, 0xf4}, MemoryKind::code});
    f.memory.push_back({"PML4", 0x10000, 0x7f0000010000, {0x03, 0x10, 0x01, 0, 0, 0, 0, 0}, MemoryKind::page_table});
    auto j = facts_to_json(f);
    const auto back = facts_from_json(j);
    REQUIRE(back);
    REQUIRE(back->memory.size() == 2);
    CHECK(back->memory[0].kind == MemoryKind::code);
    CHECK(back->memory[1].kind == MemoryKind::page_table);
    CHECK(back->memory[1].bytes == f.memory[1].bytes);

    j["memory"][0].erase("kind");
    const auto old = facts_from_json(j);
    REQUIRE(old);
    CHECK(old->memory[0].kind == MemoryKind::data);

    j["memory"][0]["kind"] = "poetry";
    const auto unknown = facts_from_json(j);
    REQUIRE_FALSE(unknown);
    CHECK_THAT(unknown.error().describe(), Catch::Contains("unknown kind"));
}
