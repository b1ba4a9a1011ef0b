// The soak (`strata bench soak`) run briefly, as a test: container lessons
// stopped by random signals at random moments, the host checked after each
// run by the soak itself and, at the end, by this test.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/support/no_leaks.hpp"
#include "tests/support/strata_process.hpp"

using namespace strata;

TEST_CASE("A short soak: container lessons stopped by random signals leave nothing, and the soak says so", "[root]") {
    const tests::StrataScene scene;
    {
        // Four lessons, each run once unsignalled first (the soak times
        // them), then every run gets a signal: 12 signals or late arrivals.
        const auto strata = scene.start({"bench", "soak", "--runs", "16", "--signal-share", "1", "--seed", "7", "--json",
                                         "--lesson", "container/cgroups", "--lesson", "container/overlay", "--lesson",
                                         "container/network", "--lesson", "container/whole"});
        const auto status = strata->wait(std::chrono::seconds(120));
        INFO(strata->output());
        REQUIRE(status);
        CHECK((WIFEXITED(*status) && WEXITSTATUS(*status) == 0));
        const auto& out = strata->output();
        const auto start = out.find("{\n");
        REQUIRE(start != std::string::npos);
        const auto report = nlohmann::json::parse(out.substr(start), nullptr, false);
        REQUIRE(report.is_object());
        CHECK(report["runs"] == 16);
        CHECK(report["signals_sent"].get<int>() + report["finished_before_signal"].get<int>() == 12);
        CHECK(report["signals_sent"].get<int>() > 0);
        CHECK(report["unexpected_exits"] == 0);
        CHECK(report["leftovers"].empty());
        CHECK(report["seed"] == 7);
    }
    CHECK_NO_LEAKS(scene.before);
}

TEST_CASE("The soak refuses a lesson id it does not know, with exit 2", "[root]") {
    const tests::StrataScene scene;
    const auto strata = scene.start({"bench", "soak", "--runs", "2", "--lesson", "container/nope"});
    const auto status = strata->wait(std::chrono::seconds(30));
    REQUIRE(status);
    CHECK((WIFEXITED(*status) && WEXITSTATUS(*status) == 2));
    CHECK(strata->output().find("there is no lesson container/nope") != std::string::npos);
}
