#include "backends/linux/image_root.hpp"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backends/linux/container_ids.hpp"
#include "backends/sys/fd.hpp"
#include "backends/sys/raw_ids.hpp"

namespace strata::linux {

namespace {

// The kernel's struct clone_args (linux/sched.h), spelled out here so the
// C library's <sched.h> and the kernel header need not meet.
struct CloneArgs {
    std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

}  // namespace

long clone_process(std::uint64_t flags, std::uint64_t exit_signal, const char** used) {
    CloneArgs args{};
    args.flags = flags;
    args.exit_signal = exit_signal;
    if (used) *used = "clone3";
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0 && errno == ENOSYS) {
        if (used) *used = "clone";
        pid = ::syscall(SYS_clone, flags | exit_signal, nullptr, nullptr, nullptr, nullptr);
    }
    return pid;
}

bool write_kernel_file(const char* path, const char* text, std::size_t len) {
    sys::Fd fd(::open(path, O_WRONLY | O_CLOEXEC));
    return fd.valid() && ::write(fd.get(), text, len) == ssize_t(len);
}

int enter_image_root(const char* rootfs) {
    // Mapped to a subordinate range, the child's own uid (strata's 0) is
    // not in its map: take the namespace's root (see Agent::become_root).
    // Raw calls: this child was cloned from a threaded strata (sys/raw_ids.hpp).
    if (sys::raw_setresgid(0) || sys::raw_setresuid(0)) return 119;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr)) return 121;
    if (::mount(rootfs, rootfs, nullptr, MS_BIND | MS_REC, nullptr)) return 122;
    if (::chdir(rootfs)) return 123;
    if (::syscall(SYS_pivot_root, ".", ".")) return 124;  // the old root stacks under the new one
    if (::umount2(".", MNT_DETACH)) return 125;
    if (::chdir("/")) return 126;
    return 0;
}

const char* image_root_step(int code) {
    switch (code) {
        case kNoGo: return "waiting for the id maps";
        case 119: return "setresuid(0, 0, 0)";
        case 121: return "mount(MS_REC|MS_PRIVATE)";
        case 122: return "mount(MS_BIND)";
        case 123: return "chdir(rootfs)";
        case 124: return "pivot_root";
        case 125: return "umount2(MNT_DETACH)";
        case 126: return "chdir(/)";
        case kExecFailed: return "execve";
        default: return nullptr;
    }
}

bool write_id_maps(pid_t pid) {
    char path[64], map[64];
    std::snprintf(path, sizeof path, "/proc/%ld/setgroups", long(pid));
    if (!write_kernel_file(path, "deny", 4)) return false;
    const auto ids = container_ids();
    std::snprintf(path, sizeof path, "/proc/%ld/uid_map", long(pid));
    int n = std::snprintf(map, sizeof map, "0 %u %u", unsigned(ids.uid), ids.count);
    if (!write_kernel_file(path, map, std::size_t(n))) return false;
    std::snprintf(path, sizeof path, "/proc/%ld/gid_map", long(pid));
    n = std::snprintf(map, sizeof map, "0 %u %u", unsigned(ids.gid), ids.count);
    return write_kernel_file(path, map, std::size_t(n));
}

}  // namespace strata::linux
