// compare/isolation for real: what the container and the VM see, against
// what the host sees and what KVM offers.
#include <catch2/catch.hpp>

#include <sys/utsname.h>

#include "backends/kvm/cpuid.hpp"
#include "tests/compare/common_checks.hpp"

using namespace strata;

TEST_CASE("compare/isolation: the container sees a narrowed host, the VM only what its VMM gave it", "[kvm][userns]") {
    const auto run = tests::run_compare_lesson("compare/isolation");
    CHECK_COMPARE_RUN_CLEAN(run);
    utsname host{};
    REQUIRE(::uname(&host) == 0);

    // Container: one process, fewer mounts, its own name, the host's kernel and CPU.
    CHECK(std::stoi(run.value("container: processes")) <= 2);
    CHECK(std::stoi(run.value("container: processes")) < std::stoi(run.value("host: processes")));
    CHECK(std::stoi(run.value("container: mounts")) < std::stoi(run.value("host: mounts")));
    CHECK(run.value("container: host name") == "strata-box");
    CHECK(run.value("host: host name") == host.nodename);
    CHECK(run.value("container: kernel") == std::string(host.sysname) + " " + host.release);
    CHECK(run.value("container: hypervisor flag") == run.value("host: hypervisor flag"));

    // VM: its own kernel, and the CPU described by the table KVM offered.
    CHECK_THAT(run.value("guest: kernel"), Catch::StartsWith("tinyos "));
    CHECK(std::stoi(run.value("guest: processes it ran")) >= 1);
    engine::Recorder scratch;
    auto kvm = kvm::Kvm::open(scratch);
    REQUIRE(kvm);
    auto table = kvm::supported_cpuid(*kvm);
    REQUIRE(table);
    const auto* leaf1 = kvm::find_cpuid(*table, 1);
    REQUIRE(leaf1 != nullptr);
    CHECK(run.value("guest: hypervisor bit") == ((leaf1->ecx & kvm::kCpuidHypervisorBit) ? "set" : "clear"));
    if (const auto* sig = kvm::find_cpuid(*table, kvm::kCpuidHypervisorLeaf))
        CHECK(run.value("guest: hypervisor signature") == kvm::cpuid_signature(sig->ebx, sig->ecx, sig->edx));

    const auto* boundary = run.table("what each can see, and who draws the line");
    REQUIRE(boundary != nullptr);
    CHECK(boundary->rows.size() == 6);
}
