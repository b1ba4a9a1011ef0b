// compare/start-time for real: N starts of each kind, per phase, as
// histograms, with the peers that are installed.
#include <catch2/catch.hpp>

#include "tests/compare/common_checks.hpp"

using namespace strata;

TEST_CASE("compare/start-time: N containers, N tiny VMs and N tinyos boots, each timed per phase", "[kvm][userns]") {
    const auto run = tests::run_compare_lesson("compare/start-time", {{"n", "5"}});
    CHECK_COMPARE_RUN_CLEAN(run);
    for (const char* kind : {"containers", "hello VMs", "tinyos VMs"}) {
        CAPTURE(kind);
        const auto* h = run.histogram(std::string(kind) + ": start to ready");
        REQUIRE(h != nullptr);
        CHECK(h->unit == "ms");
        REQUIRE(h->samples.size() == 5);
        for (double ms : h->samples) CHECK(ms > 0);
        const auto* t = run.table(std::string(kind) + ": where the time goes (medians)");
        REQUIRE(t != nullptr);
        CHECK(t->rows.size() >= 5);  // phases and the total
        CHECK(t->rows.back()[0] == "total");
    }
    // The folklore's "minutes": a VM with an OS in it is ready in well under a second here.
    for (double ms : run.histogram("tinyos VMs: start to ready")->samples) CHECK(ms < 1000);
    // tinyos's own start-up is measured apart from KVM's part.
    CHECK_THAT(run.value("tinyos: its own boot, share of the start"), Catch::EndsWith("%"));
    CHECK(run.value("tinyos: its own boot, share of the start") != "0%");

    // Peers: a row for each, measured or said to be absent; unshare(1) is in util-linux.
    const auto* peers = run.table("start to ready, side by side (medians)");
    REQUIRE(peers != nullptr);
    bool unshare = false;
    for (const auto& row : peers->rows)
        if (row[0] == "unshare(1) + chroot") unshare = row[1] != "-";
    CHECK(unshare);
    CHECK(run.histogram("unshare(1) + chroot") != nullptr);
}
