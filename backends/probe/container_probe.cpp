// Container checks: user namespaces (and what blocks them), cgroups (which
// version, and whether strata may create its own), overlayfs, seccomp.
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "backends/linux/probe_calls.hpp"
#include "backends/probe/host_fixes.hpp"
#include "backends/probe/machine_report.hpp"

namespace strata::probe {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    return line;
}

// The unprivileged user strata tests user namespaces as, when it runs as
// root: nobody, the classic "no privileges at all" account.
constexpr unsigned kNobody = 65534;

void probe_userns(MachineReport& report) {
    auto& facts = report.facts;
    auto self = linux::probe_user_namespace(::geteuid());
    facts.user_namespaces = self.has_value();
    auto unprivileged = facts.root ? linux::probe_user_namespace(kNobody) : self;
    facts.unprivileged_userns = unprivileged.has_value();

    if (unprivileged) {
        report.checks.push_back({"userns.unprivileged", "user namespaces", Status::ok,
                                 facts.root ? "an ordinary user (tested as nobody) can create them: rootless "
                                              "containers work"
                                            : "you can create them: rootless containers work",
                                 ""});
        return;
    }
    // Name what blocks them: each of these is a real switch on some distribution.
    std::string why = unprivileged.error().describe();
    std::string fix;
    if (read_first_line("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1") {
        why = "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later)";
        fix = "`sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`, or an AppArmor profile for strata "
              "that allows userns";
    } else if (read_first_line("/proc/sys/kernel/unprivileged_userns_clone") == "0") {
        why = "the sysctl kernel.unprivileged_userns_clone is 0";
        fix = "`sudo sysctl kernel.unprivileged_userns_clone=1`";
    } else if (read_first_line("/proc/sys/user/max_user_namespaces") == "0") {
        why = "the sysctl user.max_user_namespaces is 0";
        fix = "`sudo sysctl user.max_user_namespaces=15000`";
    } else {
        fix = "check for a seccomp or LSM policy that blocks unshare(CLONE_NEWUSER), e.g. when strata itself "
              "runs inside a container";
    }
    report.checks.push_back({"userns.unprivileged", "user namespaces",
                             facts.root ? Status::warning : Status::missing, why, fix});
}

void probe_cgroups(MachineReport& report) {
    auto& facts = report.facts;
    facts.cgroup_mode = detect_cgroup_mode("/sys/fs/cgroup");
    std::string parent;
    switch (facts.cgroup_mode) {
        case CgroupMode::v2:
            parent = "/sys/fs/cgroup";
            report.checks.push_back({"cgroup.version", "cgroups", Status::ok,
                                     "cgroup v2 (unified hierarchy), as on current distributions", ""});
            break;
        case CgroupMode::hybrid:
            parent = "/sys/fs/cgroup/memory";
            report.checks.push_back({"cgroup.version", "cgroups", Status::ok,
                                     "hybrid: v1 controllers (memory, pids, cpu...) each under /sys/fs/cgroup/<name>, "
                                     "plus an empty v2 tree at /sys/fs/cgroup/unified; lessons use v1 here",
                                     ""});
            break;
        case CgroupMode::v1:
            parent = "/sys/fs/cgroup/memory";
            report.checks.push_back({"cgroup.version", "cgroups", Status::ok, "cgroup v1 (one tree per controller)", ""});
            break;
        case CgroupMode::none:
            report.checks.push_back({"cgroup.version", "cgroups", Status::missing, "no cgroup file system is mounted",
                                     "mount cgroup2 at /sys/fs/cgroup (systemd does this at boot)"});
            return;
    }
    auto created = linux::probe_cgroup_create(parent);
    facts.cgroup_writable = created.has_value();
    report.checks.push_back(
        {"cgroup.writable", "cgroup creation", created ? Status::ok : Status::missing,
         created ? fmt::format("strata can create its own cgroups under {}", parent) : created.error().describe(),
         created ? "" : cgroup_not_writable_fix(facts.cgroup_mode, facts.root)});
}

}  // namespace

CgroupMode detect_cgroup_mode(const std::string& root) {
    std::error_code ec;
    if (fs::exists(root + "/cgroup.controllers", ec)) return CgroupMode::v2;
    const bool v1 = fs::exists(root + "/memory/memory.limit_in_bytes", ec) || fs::exists(root + "/pids/tasks", ec) ||
                    fs::exists(root + "/cpu/tasks", ec);
    if (v1 && fs::exists(root + "/unified/cgroup.procs", ec)) return CgroupMode::hybrid;
    if (v1) return CgroupMode::v1;
    return CgroupMode::none;
}

void probe_containers(MachineReport& report) {
    probe_userns(report);
    probe_cgroups(report);

    auto overlay = linux::probe_overlayfs();
    report.facts.overlayfs = overlay.has_value();
    report.checks.push_back({"overlayfs", "overlayfs", overlay ? Status::ok : Status::missing,
                             overlay ? "mounts in a private mount namespace" : overlay.error().describe(),
                             overlay ? "" : "load the overlay module (`sudo modprobe overlay`); the overlay lesson "
                                            "needs it"});

    const auto actions = read_first_line("/proc/sys/kernel/seccomp/actions_avail");
    report.facts.seccomp = actions.has_value();
    report.checks.push_back({"seccomp", "seccomp", actions ? Status::ok : Status::missing,
                             actions ? "filter actions: " + *actions : "the kernel has no seccomp filter support",
                             actions ? "" : "a kernel built with CONFIG_SECCOMP_FILTER"});
}

}  // namespace strata::probe
