#include "backends/linux/fast_start.hpp"

#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/child_process.hpp"
#include "backends/linux/flags.hpp"
#include "backends/sys/fd.hpp"

namespace strata::linux {

namespace {

struct CloneArgs {
    std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

bool write_small(const char* path, const char* text, std::size_t len) {
    sys::Fd fd(::open(path, O_WRONLY | O_CLOEXEC));
    return fd.valid() && ::write(fd.get(), text, len) == ssize_t(len);
}

// The child: no allocation, each failure is an exit code naming the step.
[[noreturn]] void child(int go, const char* rootfs, const char* program) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    char c;
    if (::read(go, &c, 1) != 1) ::_exit(120);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr)) ::_exit(121);
    if (::mount(rootfs, rootfs, nullptr, MS_BIND | MS_REC, nullptr)) ::_exit(122);
    if (::chdir(rootfs)) ::_exit(123);
    if (::syscall(SYS_pivot_root, ".", ".")) ::_exit(124);
    if (::umount2(".", MNT_DETACH)) ::_exit(125);
    if (::chdir("/")) ::_exit(126);
    char* const argv[] = {const_cast<char*>(program), nullptr};
    ::execve(program, argv, nullptr);
    ::_exit(127);
}

const char* step_of(int code) {
    switch (code) {
        case 120: return "waiting for the id maps";
        case 121: return "mount(MS_REC|MS_PRIVATE)";
        case 122: return "mount(MS_BIND)";
        case 123: return "chdir(rootfs)";
        case 124: return "pivot_root";
        case 125: return "umount2(MNT_DETACH)";
        case 126: return "chdir(/)";
        case 127: return "execve";
        default: return nullptr;
    }
}

}  // namespace

Result<int> run_container_once(Recorder& recorder, const std::string& rootfs, const std::string& program) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    sys::Fd go_read(pipefd[0]), go_write(pipefd[1]);
    CallRecord call;
    call.kind = EventKind::process;
    const std::uint64_t flags = all_namespace_flags();
    call.name = fmt::format("container start: clone3({}) + pivot_root + execve({})", decode_clone_flags(flags), program);
    call.layers = {LayerId::runtime, LayerId::processes, LayerId::namespaces, LayerId::security, LayerId::mounts,
                   LayerId::container};
    call.start = recorder.now();
    CloneArgs args{};
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    const long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0) {
        go_write.reset();
        child(go_read.get(), rootfs.c_str(), program.c_str());
    }
    if (pid < 0) {
        call.error = errno;
        call.result = -1;
        return std::unexpected(record_call(recorder, std::move(call), "clone3").error());
    }
    ChildProcess process{pid_t(pid)};
    go_read.reset();
    char path[64], map[64];
    std::snprintf(path, sizeof path, "/proc/%ld/setgroups", pid);
    bool maps = write_small(path, "deny", 4);
    std::snprintf(path, sizeof path, "/proc/%ld/uid_map", pid);
    int n = std::snprintf(map, sizeof map, "0 %u 1", ::geteuid());
    maps = maps && write_small(path, map, std::size_t(n));
    std::snprintf(path, sizeof path, "/proc/%ld/gid_map", pid);
    n = std::snprintf(map, sizeof map, "0 %u 1", ::getegid());
    maps = maps && write_small(path, map, std::size_t(n));
    const int map_errno = errno;
    (void)!::write(go_write.get(), "g", 1);
    go_write.reset();
    const int status = process.wait();
    call.duration = recorder.now() - call.start;
    call.result = status;
    if (!maps) {
        call.error = map_errno;
        return std::unexpected(record_call(recorder, std::move(call), "write uid_map").error());
    }
    if (WIFEXITED(status))
        if (const char* step = step_of(WEXITSTATUS(status))) {
            call.error = EPERM;
            call.detail = fmt::format("the container failed at {}", step);
            auto r = record_call(recorder, std::move(call), "mount");
            return engine::plain_error("start container", fmt::format("failed at {}", step), r.error().hint);
        }
    (void)record_call(recorder, std::move(call), "execve");
    return status;
}

}  // namespace strata::linux
