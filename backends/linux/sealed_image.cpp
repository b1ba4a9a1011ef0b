#include "backends/linux/sealed_image.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/child_process.hpp"
#include "backends/linux/image_root.hpp"
#include "backends/sys/fd.hpp"

namespace strata::linux {

namespace {

// What the sealer reports: the container's pid, or the step that failed.
struct Report {
    long pid = -1;
    int step = 0;  // index into kSteps
    int error = 0;
};

const char* const kSteps[] = {"", "waiting for the id maps", "mount(\"/\", MS_REC|MS_SLAVE)",
                              "mount(image, MS_BIND)", "mount(image, MS_BIND|MS_REMOUNT|MS_RDONLY)",
                              "clone3(CLONE_PARENT)", "write the container's uid_map", "write the container's gid_map"};

// The sealer: a bare clone of strata, so system calls only.
[[noreturn]] void sealer(const SealedClone& rq, unsigned long remount, bool own_userns, int go, int report) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    Report r;
    auto fail = [&](int step) {
        r.step = step;
        r.error = errno;
        (void)!::write(report, &r, sizeof r);
        ::_exit(1);
    };
    char byte = 0;
    if (own_userns && ::read(go, &byte, 1) != 1) fail(1);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) fail(2);
    if (::mount(rq.image.c_str(), rq.target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) fail(3);
    if (::mount(nullptr, rq.target.c_str(), nullptr, remount, nullptr) != 0) fail(4);
    // clone3 wants exit_signal 0 with CLONE_PARENT: the child then signals
    // strata as the sealer would (SIGCHLD).
    const long pid = clone_process(rq.container_flags | CLONE_PARENT, 0);
    if (pid == 0) {
        rq.entry(rq.context);
        ::_exit(127);
    }
    if (pid < 0) fail(5);
    if (own_userns) {
        // Root of the sealer's namespace is the user; it may map itself,
        // and only itself, as the container's root.
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%ld/uid_map", pid);
        if (!write_kernel_file(path, "0 0 1", 5)) fail(6);
        std::snprintf(path, sizeof path, "/proc/%ld/gid_map", pid);
        if (!write_kernel_file(path, "0 0 1", 5)) fail(7);
    }
    r.pid = pid;
    (void)!::write(report, &r, sizeof r);
    ::_exit(0);
}

}  // namespace

unsigned long sealed_remount_flags(const std::string& dir) {
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV;
    struct statfs st {};
    if (::statfs(dir.c_str(), &st) != 0) return flags;
    if (st.f_flags & ST_NOEXEC) flags |= MS_NOEXEC;
    if (st.f_flags & ST_NOATIME) flags |= MS_NOATIME;
    if (st.f_flags & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (st.f_flags & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

engine::Result<pid_t> clone_with_sealed_image(const SealedClone& rq) {
    const bool own_userns = ::geteuid() != 0;
    const unsigned long remount = sealed_remount_flags(rq.image);
    int go_pipe[2], report_pipe[2];
    if (::pipe2(go_pipe, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    sys::Fd go_read(go_pipe[0]), go_write(go_pipe[1]);
    if (::pipe2(report_pipe, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    sys::Fd report_read(report_pipe[0]), report_write(report_pipe[1]);

    const long pid = clone_process(CLONE_NEWNS | (own_userns ? CLONE_NEWUSER : 0), SIGCHLD);
    if (pid == 0) sealer(rq, remount, own_userns, go_read.get(), report_write.get());
    if (pid < 0)
        return engine::errno_error("clone3(CLONE_NEWNS)", errno, "cannot start the process that seals the image",
                                   own_userns ? "user namespaces may be disabled here: run `strata doctor`" : "");
    ChildProcess sealer_process{pid_t(pid)};
    go_read.reset();
    report_write.reset();
    if (own_userns) {
        if (!write_id_maps(pid_t(pid)))
            return engine::errno_error("write uid_map of the sealer", errno, "cannot map the sealer's root to you",
                                       "user namespaces may be restricted here: run `strata doctor`");
        (void)!::write(go_write.get(), "g", 1);
    }
    go_write.reset();
    Report report;
    ssize_t n;
    do n = ::read(report_read.get(), &report, sizeof report);
    while (n < 0 && errno == EINTR);
    const int status = sealer_process.wait();
    if (n != ssize_t(sizeof report))
        return engine::plain_error("seal the image", "the sealing process ended without a word (" +
                                                         describe_wait_status(status) + ")");
    if (report.pid <= 0) {
        const int step = report.step > 0 && report.step < int(std::size(kSteps)) ? report.step : 0;
        return engine::errno_error(fmt::format("seal the image: {}", kSteps[step]), report.error,
                                   "strata could not make the image read-only for the container",
                                   "strata needs mount namespaces (and, run by an ordinary user, user namespaces); "
                                   "`strata doctor` says what this machine allows");
    }
    return pid_t(report.pid);
}

engine::Result<TempDir> make_seal_point() {
    auto point = TempDir::create("image");
    if (!point) return std::unexpected(point.error());
    if (::chmod(point->path().c_str(), 0755) != 0)
        return engine::errno_error("chmod " + point->path().string(), errno);
    return point;
}

}  // namespace strata::linux
