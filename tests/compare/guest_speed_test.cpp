// compare/guest-speed for real: the same routine gives the same answer in
// four places, and the speeds differ the way this machine's kind of
// virtualization says they must (loose bounds: a lesson's claim, not a
// benchmark).
#include <catch2/catch.hpp>

#include "backends/probe/machine_report.hpp"
#include "tests/compare/common_checks.hpp"

using namespace strata;

TEST_CASE("compare/guest-speed: guest kernel code is slow only where it is emulated", "[kvm][userns]") {
    const auto run = tests::run_compare_lesson("compare/guest-speed");
    CHECK_COMPARE_RUN_CLEAN(run);
    for (const char* place : {"native", "container", "guest ring 3", "guest ring 0"}) {
        CAPTURE(place);
        CHECK(run.value(std::string(place) + ": answer correct") == "yes");
    }
    auto ns = [&](const char* place) { return std::stod(run.value(std::string(place) + ": ns per iteration")); };
    const double native = ns("native");
    REQUIRE(native > 0);
    CHECK(ns("container") / native < 3);  // a container's code is host code
    probe::MachineReport machine;
    probe::probe_kvm(machine, "/dev/kvm");
    CHECK(run.value("virtualization kind") == probe::kvm_kind_key(machine.facts.kvm_kind));
    CAPTURE(native, ns("guest ring 3"), ns("guest ring 0"));
    if (machine.facts.emulated_machine()) {
        // The QEMU fallback: everything is emulated, the lesson says the
        // ratios mean nothing here, and claims none.
        CHECK(run.value("emulated machine") == "yes");
    } else if (machine.facts.kvm_kind == probe::KvmKind::software_nested) {
        CHECK(ns("guest ring 3") / native < 3);    // user code runs natively
        CHECK(ns("guest ring 0") / native > 50);   // kernel code is emulated
    } else if (machine.facts.kvm_kind == probe::KvmKind::hardware) {
        CHECK(ns("guest ring 3") / native < 3);
        CHECK(ns("guest ring 0") / native < 5);    // the CPU runs guest kernel code itself
    }
}
