// `strata bench` as a user runs it: the compare modes' JSON says what was
// measured. (Numbers are not asserted: benchmarks are not timed tests.)
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "backends/linux/temp_dir.hpp"
#include "tests/support/shell_run.hpp"

namespace {

// JSON on stdout; what strata says on stderr is kept apart and shown
// with a failure, so a bench that stopped early says why.
strata::tests::ShellRun strata_bench(const std::string& args) {
    auto dir = strata::linux::TempDir::create("bench-stderr");
    REQUIRE(dir);
    const auto err = dir->path() / "stderr";
    auto run = strata::tests::run_shell(std::string(STRATA_BINARY) + " " + args + " 2>'" + err.string() + "' </dev/null");
    std::ostringstream said;
    said << std::ifstream(err).rdbuf();
    UNSCOPED_INFO("strata " << args << " said on stderr:\n" << said.str());
    return run;
}

}  // namespace

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
