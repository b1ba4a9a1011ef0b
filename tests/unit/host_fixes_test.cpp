// strata doctor offers only fixes that can work on the host it examined:
// each host below is a faked probe finding, and each fix is checked for
// what it must say there and what it must never suggest there.
#include <catch2/catch.hpp>

#include <string>

#include "backends/probe/host_fixes.hpp"

using namespace strata::probe;

namespace {

bool says(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("A PVM guest is not told to enable VT-x in its firmware", "[unit][doctor]") {
    const auto found = missing_kvm_device({.vmx = false, .svm = false, .pvm_module = true, .hypervisor = "KVMKVMKVM"});
    CHECK(says(found.why, "PVM guest"));
    CHECK_FALSE(says(found.fix, "firmware"));
    CHECK_FALSE(says(found.fix, "modprobe"));
    CHECK(says(found.fix, "replays"));
}

TEST_CASE("A VM without virtualization extensions is told to ask its host for nested virtualization", "[unit][doctor]") {
    const auto found = missing_kvm_device({.hypervisor = "KVMKVMKVM"});
    CHECK(says(found.why, "a VM under KVM"));
    CHECK(says(found.fix, "nested virtualization"));
    CHECK_FALSE(says(found.fix, "enable VT-x"));
}

TEST_CASE("Bare metal without extensions is told about the firmware, with them the right module", "[unit][doctor]") {
    CHECK(says(missing_kvm_device({}).fix, "firmware"));
    const auto intel = missing_kvm_device({.vmx = true});
    CHECK(says(intel.fix, "modprobe kvm_intel"));
    CHECK_FALSE(says(intel.fix, "kvm_amd"));
    const auto amd = missing_kvm_device({.svm = true});
    CHECK(says(amd.fix, "modprobe kvm_amd"));
    CHECK_FALSE(says(amd.fix, "kvm_intel"));
}

TEST_CASE("cgroup delegation is suggested only where it can work: cgroup v2", "[unit][doctor]") {
    CHECK(says(cgroup_not_writable_fix(CgroupMode::v2, false), "Delegate=yes"));
    for (auto mode : {CgroupMode::hybrid, CgroupMode::v1}) {
        CAPTURE(cgroup_mode_key(mode));
        const auto fix = cgroup_not_writable_fix(mode, false);
        CHECK_FALSE(says(fix, "Delegate=yes"));
        CHECK(says(fix, "never delegated"));
        CHECK(says(fix, "sudo strata run container/cgroups"));
    }
    // Root that cannot create a cgroup gains nothing from sudo or delegation.
    const auto root = cgroup_not_writable_fix(CgroupMode::hybrid, true);
    CHECK_FALSE(says(root, "sudo"));
    CHECK_FALSE(says(root, "Delegate"));
    CHECK(says(cgroup_not_writable_fix(CgroupMode::none, false), "mount cgroup2"));
}
