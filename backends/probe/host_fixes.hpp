// The fixes `strata doctor` offers, chosen from what it found on this host:
// a fix that cannot work here (delegating a cgroup v1 tree, enabling VT-x
// in the firmware of a PVM guest) is worse than none. Pure functions of
// the probe's findings, so tests can hand them any host.
#pragma once

#include <string>

#include "backends/probe/machine_report.hpp"

namespace strata::probe {

// What the KVM probe saw when /dev/kvm was missing.
struct KvmHost {
    bool vmx = false;         // CPU flag
    bool svm = false;         // CPU flag
    bool pvm_module = false;  // kvm_pvm loaded
    std::string hypervisor;   // CPUID signature when this machine is a VM, else empty
};

// Why /dev/kvm is missing, and what to do.
struct Finding {
    std::string why;
    std::string fix;
};
Finding missing_kvm_device(const KvmHost& host);

// What to do when strata cannot create a cgroup, for this cgroup layout and user.
std::string cgroup_not_writable_fix(CgroupMode mode, bool root);

}  // namespace strata::probe
