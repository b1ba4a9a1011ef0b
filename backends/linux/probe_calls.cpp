#include "backends/linux/probe_calls.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "backends/linux/temp_dir.hpp"
#include "backends/sys/fd.hpp"

namespace strata::linux {

namespace {

// Runs `body` in a forked child; the child's return value (an errno, 0 for
// success) comes back as the exit status.
template <class Body>
int in_child(Body body) {
    const pid_t pid = ::fork();
    if (pid < 0) return errno;
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::_exit(body());
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return EIO;
}

bool write_file(const std::string& path, const std::string& text) {
    sys::Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    return fd.valid() && ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

}  // namespace

engine::Result<void> probe_user_namespace(unsigned uid) {
    const int e = in_child([uid] {
        if (::geteuid() == 0 && uid != 0) {
            if (::setgroups(0, nullptr) != 0 || ::setresgid(uid, uid, uid) != 0 || ::setresuid(uid, uid, uid) != 0)
                return errno;
        }
        return ::unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
    });
    if (e == 0) return {};
    return engine::errno_error("unshare(CLONE_NEWUSER)", e, "user namespaces are not available to this user");
}

engine::Result<void> probe_overlayfs() {
    // Named like every strata temp dir, so a killed probe's is swept.
    auto temp = TempDir::create("probe");
    if (!temp) return std::unexpected(temp.error());
    const std::string dir = temp->path().string();
    for (const char* sub : {"/lower", "/upper", "/work", "/merged"}) ::mkdir((dir + sub).c_str(), 0700);

    const int e = in_child([&dir] {
        const uid_t uid = ::geteuid();
        const gid_t gid = ::getegid();
        if (uid != 0) {
            if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return errno;
            write_file("/proc/self/setgroups", "deny");
            write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
            write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
        } else if (::unshare(CLONE_NEWNS) != 0) {
            return errno;
        }
        // Never let the probe's mount propagate to the host.
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
        const std::string options = "lowerdir=" + dir + "/lower,upperdir=" + dir + "/upper,workdir=" + dir + "/work";
        if (::mount("overlay", (dir + "/merged").c_str(), "overlay", 0, options.c_str()) != 0) return errno;
        return 0;  // the mount namespace dies with the child
    });
    if (e == 0) return {};
    return engine::errno_error("mount overlay", e, "overlayfs could not be mounted");
}

engine::Result<void> probe_cgroup_create(const std::string& parent) {
    const std::string path = parent + "/strata-probe-" + std::to_string(::getpid());
    if (::mkdir(path.c_str(), 0755) != 0) return engine::errno_error("mkdir " + path, errno);
    if (::rmdir(path.c_str()) != 0) return engine::errno_error("rmdir " + path, errno);
    return {};
}

}  // namespace strata::linux
