// The agent's side of Op::harden: /proc as runc's default spec leaves it
// for a container, or as a bundle's config.json says (linux.readonlyPaths
// and linux.maskedPaths). Runs inside the agent, so system calls and fixed
// buffers only.
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

// One path of the request: 'r' read-only, 'm' masked.
struct Entry {
    char kind;
    const char* path;
};

void harden_proc(const wire::Request& rq, wire::Reply& reply) {
    static Summary summary;
    static char storage[wire::kDataSize + 1];
    static Entry entries[256];
    summary.len = 0;
    int count = 0;
    if (rq.data_len == 0) {  // runc's defaults
        for (const char* path : kReadOnly) entries[count++] = {'r', path};
        for (const char* path : kMaskedDirs) entries[count++] = {'m', path};
        for (const char* path : kMaskedFiles) entries[count++] = {'m', path};
    } else {  // "r/proc/sys\0m/proc/keys\0..." from a bundle's config.json
        std::memcpy(storage, rq.data, rq.data_len);
        storage[rq.data_len] = '\0';
        for (std::uint32_t i = 0; i < rq.data_len && count < 256;) {
            const char* item = storage + i;
            const std::size_t len = std::strlen(item);
            if (len > 1 && (item[0] == 'r' || item[0] == 'm')) entries[count++] = {item[0], item + 1};
            i += std::uint32_t(len) + 1;
        }
    }
    bool dir = false;
    int done = 0;
    // Read-only first: a masked path inside a read-only one is still masked.
    for (int i = 0; i < count; ++i) {
        const char* path = entries[i].path;
        if (entries[i].kind != 'r' || !exists(path, dir)) continue;
        if (::mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) != 0) return fail(reply, "mount(MS_BIND)", errno);
        if (::mount(nullptr, path, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | kProcFlags, nullptr) != 0)
            return fail(reply, "mount(MS_REMOUNT|MS_RDONLY)", errno);
        summary.add("read-only", path);
        ++done;
    }
    // A masked directory gets an empty read-only tmpfs; a masked file,
    // /dev/null where the container has one (as runc does), else an empty
    // file kept in the first masked directory's tmpfs.
    char empty_file[64] = {};
    if (exists("/dev/null", dir) && !dir) std::snprintf(empty_file, sizeof empty_file, "/dev/null");
    for (int i = 0; i < count; ++i) {
        const char* path = entries[i].path;
        if (entries[i].kind != 'm' || !exists(path, dir) || !dir) continue;
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
    for (int i = 0; i < count; ++i) {
        const char* path = entries[i].path;
        if (entries[i].kind != 'm' || !empty_file[0] || !exists(path, dir) || dir) continue;
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
