#include "backends/linux/idle_container.hpp"

#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backends/linux/flags.hpp"
#include "backends/linux/image_root.hpp"
#include "backends/linux/sealed_image.hpp"
#include "backends/sys/fd.hpp"

namespace strata::linux {

namespace {

constexpr std::uint64_t kCloneFlags = CLONE_NEWUSER | CLONE_NEWPID;
constexpr int kUnshareFlags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
constexpr int kUnshareFailed = 118;

// The child (PID 1 of its namespace): no allocation. A failure writes its
// code to `report` before _exit; a successful execve closes `report`
// (O_CLOEXEC) with nothing written.
[[noreturn]] void child(int go, int report, const char* rootfs) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    auto fail = [report](int code) {
        const unsigned char c = static_cast<unsigned char>(code);
        (void)!::write(report, &c, 1);
        ::_exit(code);
    };
    char c;
    if (::read(go, &c, 1) != 1) fail(kNoGo);
    if (::unshare(kUnshareFlags) != 0) fail(kUnshareFailed);
    if (int failed = enter_image_root(rootfs)) fail(failed);
    char* const argv[] = {const_cast<char*>("sleep"), const_cast<char*>("2147483647"), nullptr};
    ::execve("/bin/sleep", argv, nullptr);
    fail(kExecFailed);
    ::_exit(kExecFailed);  // not reached: fail() exits
}

struct ChildArgs {
    int go, report, go_write, report_read;
    const char* rootfs;
};

void sealed_child(void* p) {
    const auto* a = static_cast<const ChildArgs*>(p);
    ::close(a->go_write);
    ::close(a->report_read);
    child(a->go, a->report, a->rootfs);
}

}  // namespace

Result<IdleContainer> IdleContainer::start(Recorder& recorder, const std::string& rootfs, Cgroup* cgroup) {
    int go_pipe[2], report_pipe[2];
    if (::pipe2(go_pipe, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    sys::Fd go_read(go_pipe[0]), go_write(go_pipe[1]);
    if (::pipe2(report_pipe, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    sys::Fd report_read(report_pipe[0]), report_write(report_pipe[1]);

    CallRecord call;
    call.kind = EventKind::process;
    call.name = fmt::format("idle container: clone3({}){} + unshare({}) + pivot_root + execve(/bin/sleep)",
                            decode_clone_flags(kCloneFlags), cgroup ? " + join its cgroup" : "",
                            decode_clone_flags(kUnshareFlags));
    call.layers = {LayerId::runtime, LayerId::processes, LayerId::namespaces, LayerId::security, LayerId::mounts,
                   LayerId::container};
    call.start = recorder.now();
    // The image is sealed read-only for the container (sealed_image.hpp):
    // it shares the sealer's mount namespace until its own unshare copies
    // it, read-only flag locked.
    auto seal_point = make_seal_point();
    if (!seal_point) return std::unexpected(seal_point.error());
    const std::string root = seal_point->path().string();
    ChildArgs args{go_read.get(), report_write.get(), go_write.get(), report_read.get(), root.c_str()};
    auto sealed = clone_with_sealed_image({rootfs, root, kCloneFlags, sealed_child, &args});
    if (!sealed) {
        call.error = sealed.error().errno_value ? sealed.error().errno_value : EPERM;
        call.result = -1;
        (void)record_call(recorder, std::move(call), "clone3");
        return std::unexpected(sealed.error());
    }
    const pid_t pid = *sealed;
    IdleContainer container{pid, std::move(*seal_point)};
    go_read.reset();
    report_write.reset();
    // Run by an ordinary user, the sealer has mapped the child.
    if (::geteuid() == 0 && !write_id_maps(pid)) {
        call.error = errno;
        call.result = -1;
        return std::unexpected(record_call(recorder, std::move(call), "write uid_map").error());
    }
    if (cgroup)
        if (auto r = cgroup->add(pid_t(pid)); !r) return std::unexpected(r.error());
    (void)!::write(go_write.get(), "g", 1);
    go_write.reset();

    // EOF: execve succeeded. A byte: the step that failed.
    pollfd p{report_read.get(), POLLIN, 0};
    unsigned char code = 0;
    const bool answered = ::poll(&p, 1, 10'000) == 1;
    const ssize_t n = answered ? ::read(report_read.get(), &code, 1) : -1;
    call.duration = recorder.now() - call.start;
    call.result = pid;
    if (n != 0) {
        const char* step = n < 0 ? "starting (no answer in 10 s)"
                           : code == kUnshareFailed ? "unshare"
                           : image_root_step(code) ? image_root_step(code) : "an unknown step";
        call.error = n < 0 ? ETIMEDOUT : EPERM;
        call.detail = fmt::format("the container failed at {}", step);
        auto r = record_call(recorder, std::move(call), code == kUnshareFailed ? "unshare" : "mount");
        return engine::plain_error("start idle container", fmt::format("failed at {}", step), r.error().hint);
    }
    (void)record_call(recorder, std::move(call), "execve");
    return container;
}

}  // namespace strata::linux
