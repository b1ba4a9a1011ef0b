// Small programs the agent forks to show what a cgroup limit does: a memory
// hog, a fork bomb and a CPU burner. They live here rather than in the
// container's file system so their behaviour is exact and their report
// (bytes touched, forks made, CPU used) comes back through a pipe.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/agent_child.hpp"

namespace strata::linux::agent_side {

namespace {

std::int64_t mono_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void say(int fd, const char* text) { (void)!::write(fd, text, std::strlen(text)); }

// Touches `bytes` of fresh memory page by page, saying how far it got every
// MiB, so the report survives the OOM killer's SIGKILL.
[[noreturn]] void hog(int out, std::uint64_t bytes) {
    auto* p = static_cast<char*>(::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (p == MAP_FAILED) { say(out, "mmap failed\n"); ::_exit(1); }
    for (std::uint64_t off = 0; off < bytes; off += 4096) {
        p[off] = 1;
        if (off % (1 << 20) == 0) {
            char line[64];
            std::snprintf(line, sizeof line, "touched %llu MiB\n", (unsigned long long)(off >> 20));
            say(out, line);
        }
    }
    say(out, "touched all of it\n");
    ::_exit(0);
}

[[noreturn]] void fork_bomb(int out, std::uint64_t max) {
    static pid_t kids[4096];
    max = std::min<std::uint64_t>(max, 4096);
    std::uint64_t made = 0;
    int error = 0;
    while (made < max) {
        pid_t pid = raw_fork();
        if (pid < 0) { error = errno; break; }
        if (pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            for (;;) ::pause();
        }
        kids[made++] = pid;
    }
    char line[128];
    std::snprintf(line, sizeof line, "forks=%llu errno=%d\n", (unsigned long long)made, error);
    say(out, line);
    for (std::uint64_t i = 0; i < made; ++i) ::kill(kids[i], SIGKILL);
    for (std::uint64_t i = 0; i < made; ++i) ::waitpid(kids[i], nullptr, 0);
    ::_exit(0);
}

[[noreturn]] void burn(int out, std::uint64_t ms) {
    const std::int64_t end = mono_ms() + std::int64_t(ms);
    volatile std::uint64_t spin = 0;
    while (mono_ms() < end)
        for (int i = 0; i < 100000; ++i) spin = spin + 1;
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const long cpu_ms = usage.ru_utime.tv_sec * 1000 + usage.ru_utime.tv_usec / 1000 + usage.ru_stime.tv_sec * 1000 +
                        usage.ru_stime.tv_usec / 1000;
    char line[128];
    std::snprintf(line, sizeof line, "cpu_ms=%ld wall_ms=%llu\n", cpu_ms, (unsigned long long)ms);
    say(out, line);
    ::_exit(0);
}

}  // namespace

void run_builtin(const wire::Request& rq, wire::Reply& reply) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) return fail(reply, "pipe2", errno);
    pid_t pid = raw_fork();
    if (pid < 0) { ::close(pipefd[0]); ::close(pipefd[1]); return fail(reply, "fork", errno); }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::close(pipefd[0]);
        switch (wire::Builtin(rq.n[0])) {
            case wire::Builtin::hog: hog(pipefd[1], rq.n[1]);
            case wire::Builtin::fork_bomb: fork_bomb(pipefd[1], rq.n[1]);
            case wire::Builtin::burn: burn(pipefd[1], rq.n[1]);
        }
        ::_exit(2);
    }
    ::close(pipefd[1]);
    // Keep only the tail of the report: the last lines say how far it got.
    static char log[wire::kOutSize];
    std::size_t total = 0;
    const std::int64_t deadline = mono_ms() + std::int64_t(rq.n[2] ? rq.n[2] : 10000);
    for (;;) {
        const std::int64_t left = deadline - mono_ms();
        if (left <= 0) { ::kill(pid, SIGKILL); break; }
        pollfd p{pipefd[0], POLLIN, 0};
        int r = ::poll(&p, 1, int(left));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char buf[4096];
        ssize_t n = ::read(pipefd[0], buf, sizeof buf);
        if (n <= 0) break;
        if (total + n > sizeof log) total = 0;  // start over; the tail is what matters
        std::memcpy(log + total, buf, n);
        total += n;
    }
    ::close(pipefd[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    // Last two lines are enough.
    std::size_t start = total;
    int lines = 0;
    while (start > 0 && lines < 3) if (log[--start] == '\n') ++lines;
    if (lines == 3) ++start;
    put_out(reply, log + start, total - start);
    reply.result = status;
}

}  // namespace strata::linux::agent_side
