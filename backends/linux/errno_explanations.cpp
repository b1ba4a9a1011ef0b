#include "backends/linux/errno_explanations.hpp"

#include <algorithm>
#include <cerrno>

namespace strata::linux {

namespace {

const char* kUsernsSwitches =
    "check `sysctl user.max_user_namespaces` (must be > 0), `sysctl kernel.unprivileged_userns_clone` "
    "(Debian/older Ubuntu, must be 1) and `sysctl kernel.apparmor_restrict_unprivileged_userns` (Ubuntu 23.10+, "
    "must be 0 or an AppArmor profile must allow strata); inside a container (Docker, a CI runner) run strata on "
    "the host or with --privileged";

std::string arg(const FailedCall& call, const std::string& name) {
    for (const auto& a : call.args)
        if (a.name == name) return a.value;
    return {};
}

bool named(const ExplanationRule& rule, const std::string& syscall) {
    return std::any_of(rule.syscalls.begin(), rule.syscalls.end(), [&](const std::string& s) {
        return s.ends_with('*') ? syscall.starts_with(s.substr(0, s.size() - 1)) : s == syscall;
    });
}

std::vector<ExplanationRule> make_rules() {
    const std::vector<std::string> namespaces = {"clone3", "unshare"};
    const std::vector<std::string> mounts = {"mount", "umount2", "pivot_root"};
    const std::vector<std::string> maps = {"write uid_map", "write gid_map", "write setgroups"};
    auto mounting = [](const char* type) {
        return [type](const FailedCall& c) { return arg(c, "type") == type; };
    };
    return {
        {"namespace-needs-privilege", namespaces, {EPERM}, {},
         {"creating these namespaces needs CAP_SYS_ADMIN, and an unprivileged user may create a user namespace "
          "only where the kernel allows it; strata asks for a user namespace first when it is not root",
          kUsernsSwitches}},
        {"namespace-limit", namespaces, {ENOSPC}, {},
         {"a namespace limit was reached (user.max_<kind>_namespaces)",
          "raise `sysctl user.max_<kind>_namespaces`; user.max_user_namespaces=0 disables user namespaces "
          "entirely"}},
        {"namespace-flags-rejected", namespaces, {EINVAL}, {},
         {"the kernel rejected this flag combination, or does not know a flag (CLONE_NEWTIME needs Linux 5.6; a "
          "multi-threaded process cannot unshare CLONE_NEWUSER)",
          "drop the flag this kernel does not know, or create the user namespace with clone3 from one thread"}},
        {"user-namespaces-too-deep", namespaces, {EUSERS}, {},
         {"user namespaces are nested too deeply: the kernel allows 32 levels",
          "run strata from a shallower namespace (fewer containers around it)"}},
        {"clone3-missing", namespaces, {ENOSYS}, {},
         {"this kernel lacks clone3 (it came in Linux 5.3), or a seccomp profile hides it",
          "use Linux 5.3 or newer, and run strata outside a container runtime's seccomp profile"}},
        {"setns-needs-privilege", {"setns"}, {EPERM}, {},
         {"joining a namespace needs CAP_SYS_ADMIN in the user namespace that owns it",
          "join from a process that holds CAP_SYS_ADMIN there: the container's user namespace first"}},
        {"setns-wrong-fd", {"setns"}, {EINVAL}, {},
         {"the fd is not a namespace of the kind asked for, or the caller has more than one thread",
          "pass the fd of /proc/PID/ns/<kind> with the matching CLONE_NEW* flag, from a single-threaded process"}},
        {"sethostname-shared-uts", {"sethostname"}, {EPERM}, {},
         {"changing the host name needs CAP_SYS_ADMIN in the user namespace that owns the UTS namespace, and the "
          "host's UTS namespace belongs to the host's",
          "give the process its own UTS namespace first (CLONE_NEWUTS), and keep cap_sys_admin until then: a "
          "dropped capability cannot come back"}},
        // The learner's own choice of namespaces meets this one: /proc
        // shows a PID namespace, and only its owner may mount it.
        {"mount-proc-foreign-pid-namespace", {"mount"}, {EPERM}, mounting("proc"),
         {"a user namespace may mount /proc only for a PID namespace it owns, and this process is still in the "
          "host's PID namespace, which the host's user namespace owns",
          "give the container a PID namespace of its own: add CLONE_NEWPID to its namespaces"}},
        {"mount-sysfs-foreign-net-namespace", {"mount"}, {EPERM}, mounting("sysfs"),
         {"a user namespace may mount sysfs only for a network namespace it owns, and this process shares the "
          "host's",
          "give the container a network namespace of its own: add CLONE_NEWNET to its namespaces"}},
        {"mount-needs-privilege", mounts, {EPERM}, {},
         {"mounting needs CAP_SYS_ADMIN in the user namespace that owns the mount namespace",
          "mount from inside a new mount namespace owned by the container's user namespace (strata's lessons "
          "do); under a container runtime, its seccomp profile may forbid mount altogether: run on the host"}},
        {"pivot-root-not-a-mount-point", {"pivot_root"}, {EINVAL}, {},
         {"pivot_root needs the new root to be a mount point, not on a shared mount, and the caller outside a "
          "chroot",
          "bind-mount the new root onto itself and make / private (MS_PRIVATE|MS_REC) first"}},
        {"mount-arguments-rejected", mounts, {EINVAL}, {},
         {"the kernel rejected the arguments, for example a propagation change on something that is not a mount "
          "point",
          "check that the target is a mount point, and that the flags fit the kind of mount asked for"}},
        {"filesystem-type-missing", mounts, {ENODEV}, {},
         {"this kernel does not have that file system type",
          "load it (`modprobe overlay` for overlayfs) or build the kernel with it; unprivileged overlayfs needs "
          "Linux 5.11+"}},
        {"mount-path-missing", mounts, {ENOENT}, {},
         {"the source or target directory does not exist", "create the directory before mounting on it"}},
        {"mount-busy", mounts, {EBUSY}, {},
         {"the mount is busy: something still uses it", "leave the directory and close files in it first"}},
        {"mount-path-not-searchable", mounts, {EACCES}, {},
         {"a path component is not searchable, or a nosuid/noexec mount forbids this",
          "make the directories searchable (x) for the container's user, or pick a path on another mount"}},
        {"id-map-not-allowed", maps, {EPERM}, {},
         {"an unprivileged process may map only its own uid and gid, once, and gid_map only after setgroups is "
          "denied",
          "write \"deny\" to /proc/PID/setgroups before gid_map, and map only your own ids (or use newuidmap "
          "for subordinate ranges)"}},
        {"id-map-malformed", maps, {EINVAL}, {},
         {"the map is malformed, overlaps itself, or was already written: maps are write-once",
          "write the whole map in one write: `INSIDE OUTSIDE COUNT` lines that do not overlap"}},
        {"cgroup-not-delegated", {"cgroup*"}, {EACCES, EPERM}, {},
         {"this cgroup directory is not writable by you: cgroups must be delegated to a user",
          "run as root, or on cgroup v2 in a delegated subtree (`systemd-run --user --scope -p Delegate=yes "
          "strata ...`); cgroup v1 is never delegated (`strata doctor` says which this host has)"}},
        {"cgroup-read-only", {"cgroup*"}, {EROFS}, {},
         {"/sys/fs/cgroup is mounted read-only, as inside most containers", "run strata on the host"}},
        {"cgroup-internal-processes", {"cgroup*"}, {EBUSY}, {},
         {"cgroup v2's no-internal-processes rule: a cgroup with processes cannot enable controllers for its "
          "children",
          "move the processes to a leaf cgroup first (strata puts containers in a sibling cgroup)"}},
        {"cgroup-controller-missing", {"cgroup*"}, {ENOENT}, {},
         {"the controller's file does not exist: the controller is not enabled for this cgroup",
          "enable it in the parent's cgroup.subtree_control (v2), or mount its hierarchy (v1)"}},
        {"netlink-needs-net-admin", {"rtnetlink"}, {EPERM}, {},
         {"changing a network namespace needs CAP_NET_ADMIN in the user namespace that owns it, for whoever "
          "opened the netlink socket and for the sender",
          "open the netlink socket inside the container's network namespace (strata does), never the host's"}},
        {"netlink-exists", {"rtnetlink"}, {EEXIST}, {},
         {"an interface with that name, or that address, already exists in this namespace",
          "pick another name or address, or delete the old interface first"}},
        {"veth-missing", {"rtnetlink"}, {EOPNOTSUPP}, {},
         {"this kernel lacks veth", "load it (`modprobe veth`) or build the kernel with CONFIG_VETH"}},
        {"netlink-no-such-interface", {"rtnetlink"}, {ENOENT, ENODEV}, {},
         {"no interface with that name in this namespace", "check where it went: `ip link` in both namespaces"}},
        {"link-not-up", {"rtnetlink"}, {EBUSY}, {},
         {"the link did not reach operational state UP in time", "bring its peer up too: a veth is UP only in "
                                                                 "pairs"}},
        {"ping-timeout", {"recvfrom", "ping"}, {ETIMEDOUT}, {},
         {"nothing came back in time",
          "check that both ends of the veth pair are up, with addresses in the same subnet (10.200.0.1/30 and "
          "10.200.0.2/30)"}},
        {"uname-seccomp", {"uname"}, {EPERM}, {},
         {"the kernel's uname() never fails with EPERM: a seccomp filter answered before it ran",
          "look for `Seccomp: 2` in /proc/PID/status, and allow uname in the filter"}},
        {"seccomp-needs-no-new-privs", {"seccomp"}, {EACCES}, {},
         {"loading a filter needs no_new_privs or CAP_SYS_ADMIN: otherwise a set-uid program could run under a "
          "filter that tricks it",
          "call prctl(PR_SET_NO_NEW_PRIVS, 1) before loading the filter"}},
        {"seccomp-filter-rejected", {"seccomp"}, {EINVAL}, {},
         {"the kernel rejected the BPF program, or lacks CONFIG_SECCOMP_FILTER",
          "check the program with `seccomp-tools` or libseccomp's export, on a kernel with seccomp filters"}},
        {"capability-not-held", {"capset", "prctl"}, {EPERM}, {},
         {"a process can only drop capabilities, never add ones it does not hold, and changing the bounding set "
          "needs CAP_SETPCAP",
          "raise capabilities before dropping any, and drop the bounding set while CAP_SETPCAP is still held"}},
    };
}

}  // namespace

const std::vector<ExplanationRule>& explanation_rules() {
    static const std::vector<ExplanationRule> rules = make_rules();
    return rules;
}

Explanation explain_failure(const FailedCall& call) {
    for (const auto& rule : explanation_rules())
        if (std::find(rule.errors.begin(), rule.errors.end(), call.error) != rule.errors.end() &&
            named(rule, call.syscall) && (!rule.applies || rule.applies(call)))
            return rule.text;
    switch (call.error) {
        case EPERM: return {"the kernel refused: the caller lacks the capability this call needs", ""};
        case EACCES: return {"permission denied by a file's mode or a security module", ""};
        default: return {};
    }
}

}  // namespace strata::linux
