#include "backends/linux/helper_process.hpp"

#include <cerrno>
#include <filesystem>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <unistd.h>

#include "backends/linux/program_timer.hpp"

extern char** environ;

namespace strata::linux {

Result<HelperProcess> HelperProcess::spawn(Recorder& recorder, const std::vector<std::string>& argv,
                                           std::vector<LayerId> layers) {
    int to_child[2], from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    sys::Fd child_in(to_child[0]), in(to_child[1]);
    if (::pipe2(from_child, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    sys::Fd out(from_child[0]), child_out(from_child[1]);

    if (argv.empty()) return engine::plain_error("spawn helper", "no program given");
    const SpawnArgs args(argv);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, child_in.get(), 0);  // dup2 clears O_CLOEXEC
    posix_spawn_file_actions_adddup2(&actions, child_out.get(), 1);
    CallRecord call;
    call.kind = EventKind::process;
    call.name = "posix_spawn(" + args.shown + ")";
    call.layers = std::move(layers);
    call.start = recorder.now();
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, args.pointers[0], &actions, nullptr, args.pointers.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    call.duration = recorder.now() - call.start;
    call.result = rc == 0 ? pid : -1;
    call.error = rc;
    if (auto r = record_call(recorder, std::move(call), "execve"); !r) return std::unexpected(r.error());
    return HelperProcess(pid, std::move(in), std::move(out), argv[0]);
}

Result<void> HelperProcess::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(in_.get(), bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return engine::errno_error("write to " + name_, errno, "the helper program exited early");
        bytes.remove_prefix(std::size_t(n));
    }
    return {};
}

Result<std::string> HelperProcess::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (auto nl = pending_.find('\n'); nl != std::string::npos) {
            std::string line = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return engine::plain_error(name_, fmt::format("said nothing within {} ms", timeout.count()));
        pollfd p{out_.get(), POLLIN, 0};
        const int r = ::poll(&p, 1, int(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char buf[512];
        const ssize_t n = ::read(out_.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const auto status = process_.wait();
            return engine::plain_error(name_, "exited before answering (" + describe_wait_status(status) + ")");
        }
        if (pending_.size() < 64 * 1024) pending_.append(buf, std::size_t(n));  // a helper that floods is cut off
    }
}

}  // namespace strata::linux
