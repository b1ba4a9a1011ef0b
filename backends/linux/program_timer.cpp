#include "backends/linux/program_timer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <expected>
#include <functional>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/child_process.hpp"
#include "backends/sys/fd.hpp"
#include "engine/last_line.hpp"
#include "engine/stop_request.hpp"

extern char** environ;

namespace strata::linux {

SpawnArgs::SpawnArgs(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        pointers.push_back(const_cast<char*>(a.c_str()));
        shown += (shown.empty() ? "" : " ") + a;
    }
    pointers.push_back(nullptr);
}

std::string find_program(const std::string& name) {
    for (const char* dir : {"/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/usr/local/bin/"}) {
        std::string path = std::string(dir) + name;
        if (::access(path.c_str(), X_OK) == 0) return path;
    }
    return {};
}

namespace {

using Clock = std::chrono::steady_clock;

struct RunFailure {
    int error = 0;    // errno-style, for the trace
    std::string why;  // for the reader
};
// One run of the program: how long it took (ns), or why it failed.
using OneRun = std::function<std::expected<double, RunFailure>(const SpawnArgs&)>;

// `runs` + 1 runs (the first dropped: it warms caches), stopped at the
// first failure or a stop request; recorded as one process event.
Result<std::vector<double>> time_runs(Recorder& recorder, const std::vector<std::string>& argv, int runs,
                                      std::vector<LayerId> layers, const OneRun& one_run) {
    if (argv.empty()) return engine::plain_error("time program", "no program given");
    const SpawnArgs args(argv);
    CallRecord call;
    call.kind = EventKind::process;
    call.name = fmt::format("{} x{}", args.shown, runs);
    call.layers = std::move(layers);
    call.start = recorder.now();
    std::vector<double> sample;
    std::string failure;
    for (int i = 0; i <= runs; ++i) {
        if (engine::stop_requested()) {  // a signal: strata is stopping
            call.error = ECANCELED;
            failure = "strata was asked to stop";
            break;
        }
        auto took = one_run(args);
        if (!took) {
            call.error = took.error().error;
            failure = took.error().why;
            break;
        }
        if (i > 0) sample.push_back(*took);
    }
    call.duration = recorder.now() - call.start;
    call.result = std::int64_t(sample.size());
    if (!sample.empty()) {
        auto sorted = sample;
        std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2), sorted.end());
        call.args = {{"median", fmt::format("{:.2f} ms", sorted[sorted.size() / 2] / 1e6)}};
    }
    call.detail = failure;
    // With an errno the event explains it (and what to do: the hint); the
    // error's message is ours, which says which run failed and how.
    auto recorded = record_call(recorder, std::move(call), "execve");
    if (!failure.empty()) return engine::plain_error(argv[0], failure, recorded ? "" : recorded.error().hint);
    if (!recorded) return std::unexpected(recorded.error());
    return sample;
}

double ns_since(Clock::time_point t0) { return std::chrono::duration<double, std::nano>(Clock::now() - t0).count(); }

// How far the program got, for an error.
std::string last_line_of(const std::string& text) {
    const auto line = engine::last_line(text);
    return line.empty() ? "it printed nothing" : "its last line: " + std::string(line);
}

}  // namespace

Result<std::vector<double>> time_program(Recorder& recorder, const std::vector<std::string>& argv, int runs,
                                         std::vector<LayerId> layers, int expected_status) {
    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
    auto sample = time_runs(recorder, argv, runs, std::move(layers),
                            [&](const SpawnArgs& args) -> std::expected<double, RunFailure> {
        const auto t0 = Clock::now();
        pid_t pid = -1;
        if (const int rc = ::posix_spawn(&pid, args.pointers[0], &quiet, nullptr, args.pointers.data(), environ); rc != 0)
            return std::unexpected(RunFailure{rc, fmt::format("cannot start {}: {}", argv[0], std::strerror(rc))});
        ChildProcess child(pid);
        const int status = child.wait();
        const double took = ns_since(t0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != expected_status)
            return std::unexpected(RunFailure{0, fmt::format("{} {} (expected exit status {})", argv[0],
                                                             describe_wait_status(status), expected_status)});
        return took;
    });
    posix_spawn_file_actions_destroy(&quiet);
    return sample;
}

Result<std::vector<double>> time_program_to_output(Recorder& recorder, const std::vector<std::string>& argv,
                                                   const std::string& marker, std::chrono::milliseconds timeout,
                                                   int runs, std::vector<LayerId> layers) {
    return time_runs(recorder, argv, runs, std::move(layers), [&](const SpawnArgs& args) -> std::expected<double, RunFailure> {
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) return std::unexpected(RunFailure{errno, "pipe2 failed"});
        const sys::Fd from_child(out[0]);
        sys::Fd to_parent(out[1]);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        // stdin from /dev/null: a program with its console on stdio (QEMU's
        // -serial stdio) must not take over strata's terminal.
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        const auto t0 = Clock::now();
        pid_t pid = -1;
        const int rc = ::posix_spawn(&pid, args.pointers[0], &actions, nullptr, args.pointers.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        to_parent.reset();  // the child's copy is the only writer left: its exit is our end of file
        if (rc != 0) return std::unexpected(RunFailure{rc, fmt::format("cannot start {}: {}", argv[0], std::strerror(rc))});
        ChildProcess child(pid);  // killed and reaped when this run ends, however it ends
        std::string text;
        const auto deadline = t0 + timeout;
        for (;;) {
            if (text.find(marker) != std::string::npos) return ns_since(t0);
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0)
                return std::unexpected(RunFailure{ETIMEDOUT, fmt::format("{} did not print \"{}\" within {} s; {}", argv[0],
                                                                        marker, timeout.count() / 1000.0, last_line_of(text))});
            pollfd wait_for[2] = {{from_child.get(), POLLIN, 0}, {engine::stop_fd(), POLLIN, 0}};
            if (::poll(wait_for, 2, int(std::min<long long>(left, 1000))) < 0 && errno != EINTR)
                return std::unexpected(RunFailure{errno, "poll failed"});
            if (engine::stop_requested()) return std::unexpected(RunFailure{ECANCELED, "strata was asked to stop"});
            if (!(wait_for[0].revents & (POLLIN | POLLHUP))) continue;
            char buf[4096];
            const ssize_t n = ::read(from_child.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0)
                return std::unexpected(RunFailure{0, fmt::format("{} {} before it printed \"{}\"; {}", argv[0],
                                                                 describe_wait_status(child.wait()), marker, last_line_of(text))});
            text.append(buf, std::size_t(n));
        }
    });
}

}  // namespace strata::linux
