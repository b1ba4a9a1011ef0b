#include "backends/linux/fast_start.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <algorithm>

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/child_process.hpp"
#include "backends/linux/flags.hpp"
#include "backends/linux/image_root.hpp"
#include "backends/linux/sealed_image.hpp"
#include "backends/sys/fd.hpp"

namespace strata::linux {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t monotonic_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The child: no allocation, each failure is an exit code naming the step.
// Just before execve it writes the time its root was ready to `stamp`.
[[noreturn]] void child(int go, int stamp, const char* rootfs, const char* program) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    char c;
    if (::read(go, &c, 1) != 1) ::_exit(kNoGo);
    if (int failed = enter_image_root(rootfs)) ::_exit(failed);
    const std::int64_t ready = monotonic_ns();
    (void)!::write(stamp, &ready, sizeof ready);
    char* const argv[] = {const_cast<char*>(program), nullptr};
    ::execve(program, argv, nullptr);
    ::_exit(kExecFailed);
}

// The child's arguments, for start_sealed (the sealer clones the child).
struct ChildArgs {
    int go, stamp, go_write, stamp_read;
    const char* rootfs;
    const char* program;
};

void sealed_child(void* p) {
    const auto* a = static_cast<const ChildArgs*>(p);
    ::close(a->go_write);
    ::close(a->stamp_read);
    child(a->go, a->stamp, a->rootfs, a->program);
}

std::chrono::nanoseconds between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(b - a);
}

}  // namespace

Result<int> run_container_once(Recorder& recorder, const std::string& rootfs, const std::string& program,
                               ContainerStartTimes* times) {
    int go_pipe[2], stamp_pipe[2];
    if (::pipe2(go_pipe, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    sys::Fd go_read(go_pipe[0]), go_write(go_pipe[1]);
    if (::pipe2(stamp_pipe, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    sys::Fd stamp_read(stamp_pipe[0]), stamp_write(stamp_pipe[1]);
    CallRecord call;
    call.kind = EventKind::process;
    const std::uint64_t flags = all_namespace_flags();
    call.name = fmt::format("container start: clone3({}) + pivot_root + execve({})", decode_clone_flags(flags), program);
    call.layers = {LayerId::runtime, LayerId::processes, LayerId::namespaces, LayerId::security, LayerId::mounts,
                   LayerId::container};
    call.start = recorder.now();
    // The image is sealed read-only for the container (sealed_image.hpp);
    // the child pivots into the directory it is sealed on.
    const auto t0 = Clock::now();
    auto seal_point = make_seal_point();
    if (!seal_point) return std::unexpected(seal_point.error());
    const std::string root = seal_point->path().string();
    ChildArgs args{go_read.get(), stamp_write.get(), go_write.get(), stamp_read.get(), root.c_str(), program.c_str()};
    auto sealed = clone_with_sealed_image({rootfs, root, flags, sealed_child, &args});
    const auto t_cloned = Clock::now();
    if (!sealed) {
        call.error = sealed.error().errno_value ? sealed.error().errno_value : EPERM;
        call.result = -1;
        (void)record_call(recorder, std::move(call), "clone3");
        return std::unexpected(sealed.error());
    }
    const long pid = *sealed;
    ChildProcess process{pid_t(pid)};
    go_read.reset();
    stamp_write.reset();
    // Run by an ordinary user, the sealer has mapped the child.
    const bool maps = ::geteuid() != 0 || write_id_maps(pid_t(pid));
    const int map_errno = errno;
    (void)!::write(go_write.get(), "g", 1);
    go_write.reset();
    const auto t_go = Clock::now();
    const int status = process.wait();
    const auto t_exit = Clock::now();
    std::int64_t root_ready = 0;
    const bool stamped = ::read(stamp_read.get(), &root_ready, sizeof root_ready) == sizeof root_ready;
    call.duration = recorder.now() - call.start;
    call.result = status;
    if (times) {
        times->clone = between(t0, t_cloned);
        times->id_maps = between(t_cloned, t_go);
        // steady_clock is CLOCK_MONOTONIC, the clock the child stamped with.
        const auto go_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t_go.time_since_epoch()).count();
        const auto exit_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t_exit.time_since_epoch()).count();
        const std::int64_t ready = stamped ? std::clamp(root_ready, go_ns, exit_ns) : exit_ns;
        times->root = std::chrono::nanoseconds(ready - go_ns);
        times->run = std::chrono::nanoseconds(exit_ns - ready);
    }
    if (!maps) {
        call.error = map_errno;
        return std::unexpected(record_call(recorder, std::move(call), "write uid_map").error());
    }
    if (WIFEXITED(status))
        if (const char* step = image_root_step(WEXITSTATUS(status))) {
            call.error = EPERM;
            call.detail = fmt::format("the container failed at {}", step);
            auto r = record_call(recorder, std::move(call), "mount");
            return engine::plain_error("start container", fmt::format("failed at {}", step), r.error().hint);
        }
    (void)record_call(recorder, std::move(call), "execve");
    return status;
}

}  // namespace strata::linux
