// What this machine can do for strata's lessons: the model behind
// `strata doctor`, `strata list` (availability) and lab reports.
//
// Every check is measured on the spot (a device opened, a namespace
// created in a throwaway child, a cgroup made and removed), never assumed;
// each one that fails says how to fix it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/lesson.hpp"

namespace strata::probe {

enum class Status { ok, warning, missing, info };
std::string_view status_key(Status s);

struct Check {
    std::string id;      // stable: "kvm.device", "userns.unprivileged", ...
    std::string title;   // "/dev/kvm"
    Status status = Status::info;
    std::string detail;  // what was found
    std::string fix;     // what to do, when not ok
};

enum class KvmKind {
    hardware,          // VT-x / AMD-V: guest code runs on the CPU
    software_nested,   // a paravirtual nested hypervisor (PVM): guest kernel code is emulated
    unknown,           // /dev/kvm works but strata cannot tell which kind
    unavailable,       // no usable /dev/kvm
};
std::string_view kvm_kind_key(KvmKind k);
// "KVM", "QEMU TCG (software emulation)", ... for a CPUID signature.
std::string hypervisor_name(const std::string& signature);

enum class CgroupMode { v2, hybrid, v1, none };
std::string_view cgroup_mode_key(CgroupMode m);

struct MachineFacts {
    std::string kernel_release;
    std::string os_name;
    bool root = false;
    KvmKind kvm_kind = KvmKind::unavailable;
    std::optional<int> kvm_api_version;
    // CPUID's hypervisor signature when this machine is itself a VM
    // ("KVMKVMKVM", "TCGTCGTCGTCG", "Microsoft Hv", ...), else empty.
    std::string hypervisor;
    // This machine is itself emulated instruction by instruction (QEMU's
    // TCG, as in the tests' QEMU fallback): its VT-x/AMD-V is emulated too,
    // so KVM works as on hardware but no timing here is hardware's.
    bool emulated_machine() const { return hypervisor.starts_with("TCGTCGTCG"); }
    CgroupMode cgroup_mode = CgroupMode::none;
    bool user_namespaces = false;      // for the user running strata (root or not)
    bool unprivileged_userns = false;  // for an ordinary user
    bool cgroup_writable = false;
    bool overlayfs = false;
    bool seccomp = false;
    bool display = false;
};

struct MachineReport {
    MachineFacts facts;
    std::vector<Check> checks;

    // Why `requirement` is not met here (empty when it is).
    std::optional<std::string> missing(engine::Requirement requirement) const;
    // Everything every lesson needs is present.
    bool ready() const;
};

struct ProbeOptions {
    bool kvm = true;         // open /dev/kvm and ask its capabilities
    bool containers = true;  // namespaces, overlayfs, cgroups (forks children)
    bool installation = true;  // strata's own files: assets, container image
    std::string kvm_path = "/dev/kvm";
};

MachineReport probe_machine(const ProbeOptions& options = {});
nlohmann::json report_to_json(const MachineReport& report);

// Parts, exposed for tests.
void probe_kvm(MachineReport& report, const std::string& path);
void probe_containers(MachineReport& report);
void probe_installation(MachineReport& report);
// Reads the cgroup layout under `root` (normally /sys/fs/cgroup).
CgroupMode detect_cgroup_mode(const std::string& root);

}  // namespace strata::probe
