#include "backends/linux/traced.hpp"

#include <cerrno>

#include <fmt/format.h>

namespace strata::linux {

namespace {

// The usual reasons a namespace call is refused on a student's machine.
const char* kUsernsDisabled =
    "unprivileged user namespaces may be disabled here: check `sysctl user.max_user_namespaces` "
    "(must be > 0), `sysctl kernel.unprivileged_userns_clone` (Debian/older Ubuntu, must be 1) and "
    "`sysctl kernel.apparmor_restrict_unprivileged_userns` (Ubuntu 23.10+, must be 0 or an AppArmor "
    "profile must allow strata). Inside a container (Docker, a CI runner) the runtime's seccomp "
    "profile usually forbids these calls: run strata on the host or with --privileged.";

}  // namespace

std::string syscall_hint(const std::string& syscall, int e) {
    if (syscall == "clone3" || syscall == "unshare") {
        if (e == EPERM) return std::string("creating these namespaces needs CAP_SYS_ADMIN; strata asks for a "
                                           "user namespace first when it is not root. ") + kUsernsDisabled;
        if (e == ENOSPC) return "a namespace limit was reached: raise `sysctl user.max_<kind>_namespaces` "
                                "(user.max_user_namespaces=0 disables user namespaces entirely)";
        if (e == EINVAL) return "the kernel rejected this flag combination (or does not know a flag, e.g. "
                                "CLONE_NEWTIME before Linux 5.6; a multi-threaded process cannot unshare "
                                "CLONE_NEWUSER)";
        if (e == EUSERS) return "user namespaces are nested too deeply (32 levels max)";
        if (e == ENOSYS) return "this kernel lacks clone3 (before Linux 5.3) or a seccomp profile hides it";
    }
    if (syscall == "setns") {
        if (e == EPERM) return "joining a namespace needs CAP_SYS_ADMIN in the namespace's owning user namespace";
        if (e == EINVAL) return "the fd is not a namespace of that kind, or the caller is multi-threaded";
    }
    if (syscall == "sethostname") {
        if (e == EPERM) return "changing the host name needs CAP_SYS_ADMIN in the user namespace that owns the "
                               "UTS namespace: give the process its own UTS namespace first (CLONE_NEWUTS), and keep "
                               "cap_sys_admin (once dropped, a capability cannot come back)";
    }
    if (syscall == "mount" || syscall == "umount2" || syscall == "pivot_root") {
        if (e == EPERM) return "mounting needs CAP_SYS_ADMIN in the user namespace that owns the mount "
                               "namespace: strata does this in a new mount namespace (and a user namespace "
                               "when not root); a container runtime's seccomp profile may also forbid it";
        if (e == EINVAL && syscall == "pivot_root")
            return "pivot_root needs the new root to be a mount point (bind-mount it onto itself first), not on "
                   "a shared mount (make / private first) and the caller must not be in a chroot";
        if (e == EINVAL) return "the kernel rejected the arguments (e.g. a propagation change on something "
                                "that is not a mount point)";
        if (e == ENODEV) return "this kernel does not have that file system type (for overlayfs: `modprobe "
                                "overlay`, or CONFIG_OVERLAY_FS; unprivileged overlay needs Linux 5.11+)";
        if (e == ENOENT) return "the source or target directory does not exist";
        if (e == EBUSY) return "the mount is busy (something still uses it)";
        if (e == EACCES) return "a path component is not searchable, or the file system is mounted nosuid/noexec "
                                "in a way that forbids this";
    }
    if (syscall == "write uid_map" || syscall == "write gid_map" || syscall == "write setgroups") {
        if (e == EPERM) return "an unprivileged process may map only its own uid/gid, once, and for gid_map "
                               "only after writing \"deny\" to setgroups";
        if (e == EINVAL) return "the map is malformed, overlaps, or was already written (maps are write-once)";
    }
    if (syscall.starts_with("cgroup")) {
        if (e == EACCES || e == EPERM)
            return "this cgroup directory is not writable by you: cgroups must be delegated (cgroup v2: systemd "
                   "gives each user a subtree, `systemd-run --user --scope -p Delegate=yes strata ...`; "
                   "cgroup v1: only root) ";
        if (e == EROFS) return "/sys/fs/cgroup is mounted read-only (typical inside a container): run on the host";
        if (e == EBUSY) return "cgroup v2's no-internal-processes rule: a cgroup with processes cannot enable "
                               "controllers for children; strata uses a sibling cgroup";
        if (e == ENOENT) return "the controller file does not exist: the controller is not enabled for this cgroup";
    }
    if (syscall == "rtnetlink") {
        if (e == EPERM) return "changing a network namespace needs CAP_NET_ADMIN in the user namespace that owns "
                               "it, both for whoever opened the netlink socket and for the sender; strata opens it "
                               "in the lesson's namespace, never in the host's";
        if (e == EEXIST) return "an interface with that name (or that address) already exists in this namespace";
        if (e == EOPNOTSUPP) return "this kernel lacks veth: load it (`modprobe veth`) or build with CONFIG_VETH";
        if (e == ENOENT || e == ENODEV) return "no interface with that name in this namespace (moved away already?)";
        if (e == EBUSY) return "the link did not reach operational state UP in time: is its peer up too?";
    }
    if (syscall == "recvfrom" || syscall == "ping") {
        if (e == ETIMEDOUT) return "nothing came back in time: are both ends of the veth pair up, with addresses in "
                                   "the same subnet (10.200.0.1/30 and 10.200.0.2/30)?";
    }
    if (syscall == "uname" && e == EPERM)
        return "the kernel's uname() never fails with EPERM: a seccomp filter answered before it ran (the "
               "process's /proc/<pid>/status shows Seccomp: 2 when a filter is loaded)";
    if (syscall == "seccomp") {
        if (e == EACCES) return "loading a filter needs no_new_privs (prctl(PR_SET_NO_NEW_PRIVS, 1)) or "
                                "CAP_SYS_ADMIN: otherwise a set-uid program could be run under a filter that "
                                "tricks it";
        if (e == EINVAL) return "the kernel rejected the BPF program, or lacks CONFIG_SECCOMP_FILTER";
    }
    if (syscall == "capset" || syscall == "prctl") {
        if (e == EPERM) return "a process can only drop capabilities, never add ones it does not have; changing "
                               "the bounding set needs CAP_SETPCAP";
    }
    switch (e) {
        case EPERM: return "the kernel refused: the caller lacks the capability this call needs";
        case EACCES: return "permission denied by file mode or a security module";
        default: return "";
    }
}

Result<std::int64_t> record_call(Recorder& recorder, CallRecord call, const std::string& syscall) {
    engine::TraceEvent event;
    event.kind = call.kind;
    event.name = call.name;
    event.args = std::move(call.args);
    event.layers = std::move(call.layers);
    event.result = call.result;
    event.error = call.error;
    event.start = call.start;
    event.duration = call.duration;
    std::string hint = call.error ? syscall_hint(syscall, call.error) : std::string{};
    event.detail = call.error ? hint : call.detail;
    recorder.record(std::move(event));
    if (call.error) return engine::errno_error(call.name, call.error, {}, std::move(hint));
    return call.result;
}

void record_note(Recorder& recorder, std::string name, std::vector<LayerId> layers, std::string detail,
                 std::vector<EventArg> args) {
    engine::TraceEvent event;
    event.kind = EventKind::note;
    event.name = std::move(name);
    event.layers = std::move(layers);
    event.detail = std::move(detail);
    event.args = std::move(args);
    event.start = recorder.now();
    recorder.record(std::move(event));
}

}  // namespace strata::linux
