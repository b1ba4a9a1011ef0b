#include "backends/linux/captured_run.hpp"

#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/child_process.hpp"
#include "backends/sys/fd.hpp"

namespace strata::linux {

namespace {

struct Pipe {
    sys::Fd read, write;
};

engine::Result<Pipe> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return engine::errno_error("pipe2", errno);
    return Pipe{sys::Fd(fds[0]), sys::Fd(fds[1])};
}

}  // namespace

engine::Result<CapturedRun> run_captured(engine::Recorder& recorder, const std::vector<std::string>& argv,
                                         const std::string& shown, std::chrono::milliseconds timeout,
                                         std::size_t output_limit, std::vector<engine::LayerId> layers) {
    if (argv.empty()) return engine::plain_error("run", "no program given");
    std::string command;
    for (const auto& a : argv) command += (command.empty() ? "" : " ") + a;
    engine::Span span(recorder, engine::EventKind::process, "fork + execve(" + shown + ")", std::move(layers));
    span.arg("argv", command);
    auto out = make_pipe();
    auto err = make_pipe();
    sys::Fd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!out || !err || !null.valid()) {
        span.finish(-1, EMFILE);
        return engine::errno_error("pipe2", errno, "cannot make the pipes to capture " + argv[0]);
    }
    // Everything the child needs is ready before fork: after it, in a
    // process that may have other threads, the child only dup2s and execs.
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int e = errno;
        span.finish(-1, e);
        return engine::errno_error("fork", e, "cannot start " + argv[0]);
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // strata died before prctl took effect
        ::dup2(null.get(), 0);
        ::dup2(out->write.get(), 1);
        ::dup2(err->write.get(), 2);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ChildProcess child(pid);
    out->write.reset();
    err->write.reset();
    CapturedRun run;
    pollfd fds[2] = {{out->read.get(), POLLIN, 0}, {err->read.get(), POLLIN, 0}};
    std::string* into[2] = {&run.out, &run.err};
    const auto deadline = started + timeout;
    bool timed_out = false;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        const int n = ::poll(fds, 2, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buffer[4096];
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got <= 0) {
                fds[i].fd = -1;  // end of its output
                continue;
            }
            const std::size_t keep = std::min<std::size_t>(static_cast<std::size_t>(got), output_limit - std::min(output_limit, into[i]->size()));
            into[i]->append(buffer, keep);
        }
    }
    if (timed_out) child.kill_and_wait();
    run.wait_status = child.wait();
    run.took = std::chrono::steady_clock::now() - started;
    run.exited_ok = !timed_out && WIFEXITED(run.wait_status) && WEXITSTATUS(run.wait_status) == 0;
    span.arg("pid", std::to_string(pid)).arg("status", timed_out ? "killed: it ran too long" : describe_wait_status(run.wait_status));
    span.finish(pid, 0);
    if (timed_out)
        return engine::plain_error(argv[0], fmt::format("did not finish in {} ms; strata killed it", timeout.count()));
    return run;
}

}  // namespace strata::linux
