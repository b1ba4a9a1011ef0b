// The agent's side of Op::harden: /proc as runc's default spec leaves it
// for a container (config.json "readonlyPaths" and "maskedPaths"). Runs
// inside the agent, so system calls and fixed buffers only.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/linux/agent_child.hpp"

namespace strata::linux::agent_side {

namespace {

// runc's defaults: what a container may read but never change ...
const char* const kReadOnly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
// ... and what it should not see at all (kernel memory, keys, timers of
// other processes, hardware).
const char* const kMaskedDirs[] = {"/proc/acpi", "/proc/asound", "/proc/scsi"};
const char* const kMaskedFiles[] = {"/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                                    "/proc/timer_stats", "/proc/sched_debug"};

constexpr unsigned long kProcFlags = MS_NOSUID | MS_NODEV | MS_NOEXEC;

struct Summary {
    char text[wire::kOutSize / 2];
    std::size_t len = 0;
    void add(const char* what, const char* path) {
        len += std::size_t(std::snprintf(text + len, sizeof text - len, "%s %s\n", what, path));
        if (len >= sizeof text) len = sizeof text - 1;
    }
};

bool exists(const char* path, bool& is_dir) {
    struct stat st {};
    if (::lstat(path, &st) != 0) return false;
    is_dir = S_ISDIR(st.st_mode);
    return true;
}

}  // namespace

void harden_proc(wire::Reply& reply) {
    static Summary summary;
    summary.len = 0;
    bool dir = false;
    if (!exists("/proc/self", dir)) return fail(reply, "stat /proc/self", ENOENT);
    int done = 0;
    for (const char* path : kReadOnly) {
        if (!exists(path, dir)) continue;
        if (::mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) != 0) return fail(reply, "mount(MS_BIND)", errno);
        if (::mount(nullptr, path, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | kProcFlags, nullptr) != 0)
            return fail(reply, "mount(MS_REMOUNT|MS_RDONLY)", errno);
        summary.add("read-only", path);
        ++done;
    }
    // An empty directory over each masked one; the first also holds the
    // empty file bound over each masked file.
    char empty_file[64] = {};
    for (const char* path : kMaskedDirs) {
        if (!exists(path, dir) || !dir) continue;
        if (::mount("tmpfs", path, "tmpfs", kProcFlags, "size=4k,mode=555") != 0) return fail(reply, "mount(tmpfs)", errno);
        if (!empty_file[0]) {
            std::snprintf(empty_file, sizeof empty_file, "%s/.empty", path);
            const int fd = ::open(empty_file, O_CREAT | O_WRONLY | O_CLOEXEC, 0444);
            if (fd < 0) return fail(reply, "open(.empty)", errno);
            ::close(fd);
        }
        if (::mount(nullptr, path, nullptr, MS_REMOUNT | MS_RDONLY | kProcFlags, nullptr) != 0)
            return fail(reply, "mount(tmpfs, MS_REMOUNT|MS_RDONLY)", errno);
        summary.add("masked", path);
        ++done;
    }
    for (const char* path : kMaskedFiles) {
        if (!empty_file[0] || !exists(path, dir) || dir) continue;
        if (::mount(empty_file, path, nullptr, MS_BIND, nullptr) != 0) return fail(reply, "mount(MS_BIND)", errno);
        if (::mount(nullptr, path, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | kProcFlags, nullptr) != 0)
            return fail(reply, "mount(MS_REMOUNT|MS_RDONLY)", errno);
        summary.add("masked", path);
        ++done;
    }
    put_out(reply, summary.text, summary.len);
    reply.result = done;
}

}  // namespace strata::linux::agent_side
