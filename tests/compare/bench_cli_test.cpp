// `strata bench` as a user runs it: the compare modes' JSON says what was
// measured. (Numbers are not asserted: benchmarks are not timed tests.)
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>
#include <sys/wait.h>

namespace {

struct Run {
    int status = -1;
    std::string out;
};

Run strata(const std::string& args) {
    const std::string command = std::string(STRATA_BINARY) + " " + args + " 2>/dev/null </dev/null";
    Run run;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    REQUIRE(pipe);
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) run.out.append(buffer.data(), n);
    const int status = ::pclose(pipe.release());
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

}  // namespace

TEST_CASE("strata bench guest-speed --json: four places, each with the right answer", "[kvm][userns]") {
    const auto run = strata("bench guest-speed -n 1 --json");
    REQUIRE(run.status == 0);
    const auto j = nlohmann::json::parse(run.out, nullptr, false);
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
    const auto run = strata("bench footprint --json");
    REQUIRE(run.status == 0);
    const auto j = nlohmann::json::parse(run.out, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    REQUIRE(j["memory"].size() == 2);
    for (const auto& row : j["memory"]) CHECK(row["pss_bytes"].get<double>() > 0);
    CHECK(j["disk"].size() >= 3);
}
