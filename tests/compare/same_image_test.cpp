// compare/same-image for real: the busybox image as a container and as the
// initramfs of a Linux VM, each timed until it answered uname -r, measured
// in memory, and torn down without leftovers.
#include <catch2/catch.hpp>

#include <sys/utsname.h>

#include "tests/compare/common_checks.hpp"

using namespace strata;
using engine::LayerId;

TEST_CASE("compare/same-image: one image as a container and as a Linux VM, side by side", "[kvm][userns]") {
    const auto run = tests::run_compare_lesson("compare/same-image");
    CHECK_COMPARE_RUN_CLEAN(run);
    utsname host{};
    REQUIRE(::uname(&host) == 0);
    // The container answers with the host's kernel; the VM with the kernel strata loaded.
    CHECK(run.value("container: uname -r") == host.release);
    CHECK(run.value("VM: uname -r") == run.value("kernel release (from the header)"));
    // Both were timed, and measured in memory.
    CHECK(tests::kib_of(run.value("container: PSS")) >= 0);
    CHECK_THAT(run.value("container: ready to answer"), Catch::EndsWith(" ms"));
    CHECK_THAT(run.value("VM: ready to answer"), Catch::EndsWith(" ms"));
    CHECK_THAT(run.value("VM: guest RAM PSS"), Catch::EndsWith(" MiB"));
    CHECK(run.value("VM: guest RAM PSS") != "0.00 MiB");  // a booted kernel has touched its RAM
    // The side-by-side table names the same image twice.
    const auto* table = run.table("one image, two ways");
    REQUIRE(table);
    REQUIRE(table->rows.size() >= 6);
    CHECK(table->rows[0][1].find(run.value("image")) == 0);
    CHECK(table->rows[0][2].find(run.value("image")) == 0);
    // Only the VM's start crossed KVM and a guest kernel.
    const auto layers_row = table->rows[5];
    CHECK(layers_row[2].find("kvm") != std::string::npos);
    CHECK(layers_row[2].find("guest-kernel") != std::string::npos);
    CHECK(layers_row[1].find("kvm") == std::string::npos);
}
