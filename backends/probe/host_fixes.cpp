#include "backends/probe/host_fixes.hpp"

namespace strata::probe {

Finding missing_kvm_device(const KvmHost& host) {
    const bool extensions = host.vmx || host.svm;
    if (host.pvm_module && !extensions)
        return {"the kvm_pvm module is loaded but offers no /dev/kvm: this kernel is itself running as a PVM "
                "guest, and PVM does not nest further",
                "nothing on this machine can change that: run the VM lessons on a machine with VT-x/AMD-V or "
                "with a working /dev/kvm, or here as replays of real runs (`strata run ID` plays them)"};
    if (extensions)
        return {"the CPU has virtualization extensions but the KVM module is not loaded",
                host.vmx ? "load the module: `sudo modprobe kvm_intel`" : "load the module: `sudo modprobe kvm_amd`"};
    if (!host.hypervisor.empty())
        return {"this machine is a VM under " + hypervisor_name(host.hypervisor) +
                    ", which gives it no virtualization extensions (vmx/svm)",
                "turn on nested virtualization for this VM on its host (QEMU/libvirt: a CPU model with vmx or "
                "svm, e.g. `-cpu host`; other hypervisors have a setting for it); the VM's own firmware has no "
                "such switch"};
    return {"the CPU shows no virtualization extensions (vmx/svm) and no KVM module is loaded",
            "enable VT-x/AMD-V (\"virtualization technology\", \"SVM mode\") in the firmware setup, then "
            "`sudo modprobe kvm_intel` or `kvm_amd`"};
}

std::string cgroup_not_writable_fix(CgroupMode mode, bool root) {
    if (root)
        return "even root cannot create a cgroup here: /sys/fs/cgroup is read-only or not this host's (inside "
               "a container): run strata on the host";
    switch (mode) {
        case CgroupMode::v2:
            return "run the cgroups lesson as root, or in a cgroup systemd delegates to you: `systemd-run --user "
                   "--scope -p Delegate=yes strata run container/cgroups`";
        case CgroupMode::hybrid:
        case CgroupMode::v1:
            return "cgroup v1 controllers are never delegated to users, so only root can run the cgroups lesson "
                   "live here (`sudo strata run container/cgroups`); elsewhere it replays. Booting with "
                   "`systemd.unified_cgroup_hierarchy=1` switches the host to cgroup v2, where delegation works";
        case CgroupMode::none: break;
    }
    return "mount cgroup2 at /sys/fs/cgroup (systemd does this at boot)";
}

}  // namespace strata::probe
