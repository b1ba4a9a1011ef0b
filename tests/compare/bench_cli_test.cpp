// `strata bench` as a user runs it: the compare modes' JSON says what was
// measured. (Numbers are not asserted: benchmarks are not timed tests.)
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/compare/bench_run.hpp"

using strata::tests::strata_bench;

TEST_CASE("strata bench guest-speed --json: four places, each with the right answer", "[kvm][userns]") {
    const auto run = strata_bench("bench guest-speed -n 1 --json");
    REQUIRE(run.status == 0);
    const auto j = nlohmann::json::parse(run.output, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    REQUIRE(j["rows"].size() == 4);
    for (const auto& row : j["rows"]) {
        CAPTURE(row.dump());
        CHECK(row["answer_correct"] == true);
        CHECK(row["median_ns_per_iteration"].get<double>() > 0);
    }
    CHECK(j["machine"].contains("loadavg"));
}

TEST_CASE("strata bench footprint --json: one idle container and one idle VM, measured", "[kvm][userns]") {
    const auto run = strata_bench("bench footprint --json");
    REQUIRE(run.status == 0);
    const auto j = nlohmann::json::parse(run.output, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    REQUIRE(j["memory"].size() == 2);
    for (const auto& row : j["memory"]) CHECK(row["pss_bytes"].get<double>() > 0);
    CHECK(j["disk"].size() >= 3);
}
