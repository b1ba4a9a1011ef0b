// compare/footprint for real: an idle VM and an idle container measured
// while alive, and N of each.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "tests/compare/common_checks.hpp"

using namespace strata;
using tests::kib_of;

TEST_CASE("compare/footprint: N containers use less memory than N VMs, and KVM's kernel memory shows", "[kvm][userns]") {
    const auto run = tests::run_compare_lesson("compare/footprint", {{"max", "5"}});
    CHECK_COMPARE_RUN_CLEAN(run);
    CHECK(kib_of(run.value("idle container: PSS")) > 0);
    CHECK(kib_of(run.value("idle VM: PSS")) > 0);
    // The VMM's libraries are shared with other processes: its PSS counts only its share of them
    // (why one idle VM can show a PSS as small as one idle container's, as the narrative says).
    CHECK(kib_of(run.value("idle VM: RSS")) > kib_of(run.value("idle VM: PSS")));

    // Five of each: the containers share their image's pages, each VM holds its own RAM.
    CHECK(kib_of(run.value("density 5: containers PSS")) < kib_of(run.value("density 5: VMs PSS")));
    const auto* pss = run.series("density: PSS of N idle instances, all alive");
    REQUIRE(pss != nullptr);
    REQUIRE(pss->more.size() == 1);
    CHECK(pss->points.size() == 2);  // N = 1, 5
    CHECK(pss->more[0].points.size() == 2);

    if (::geteuid() == 0) {
        // As root strata can make cgroups: what KVM holds in the kernel for one VM is read there.
        CHECK(kib_of(run.value("idle VM: kernel memory")) > 64);
        CHECK(kib_of(run.value("density 5: containers charged")) < kib_of(run.value("density 5: VMs charged")));
    }
}
