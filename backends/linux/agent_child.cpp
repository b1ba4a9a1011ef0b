// The agent's request loop. It runs in a clone of strata, so it keeps to
// system calls and fixed buffers (no allocator, no locks a vanished thread
// might hold), and it _exit()s rather than returning into strata's code.
#include "backends/linux/agent_child.hpp"
#include "backends/sys/fd_passing.hpp"
#include "backends/sys/machine_code.hpp"
#include "backends/sys/raw_ids.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

namespace strata::linux::agent_side {

namespace {

wire::Request g_request;  // static: too big for a comfortable stack frame
wire::Reply g_reply;
int g_reply_fd = -1;  // an fd put_fd() sends with the reply, closed here after sending

std::int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

const char* or_null(const char* s) { return s[0] ? s : nullptr; }

void check(wire::Reply& reply, const char* call, long r) {
    reply.result = r;
    if (r < 0) fail(reply, call, errno);
}

void do_read_file(const wire::Request& rq, wire::Reply& reply) {
    int fd = ::open(rq.s[0], O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(reply, "open", errno);
    std::size_t total = 0;
    for (;;) {
        ssize_t n = ::read(fd, reply.out + total, wire::kOutSize - total);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { fail(reply, "read", errno); break; }
        if (n == 0 || total + n >= wire::kOutSize) { total += n; break; }
        total += n;
    }
    reply.out_len = std::min(total, wire::kOutSize);
    reply.result = reply.out_len;
    ::close(fd);
}

void do_write_file(const wire::Request& rq, wire::Reply& reply) {
    int flags = O_WRONLY | O_CLOEXEC | (rq.n[0] ? O_CREAT | O_TRUNC : 0);
    int fd = ::open(rq.s[0], flags, 0644);
    if (fd < 0) return fail(reply, "open", errno);
    ssize_t n = ::write(fd, rq.data, rq.data_len);
    check(reply, "write", n);
    ::close(fd);
}

void do_list_dir(const wire::Request& rq, wire::Reply& reply) {
    int fd = ::open(rq.s[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return fail(reply, "open", errno);
    alignas(8) char buf[8192];
    std::size_t total = 0;
    long count = 0;
    for (;;) {
        long n = ::syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0) break;
        for (long off = 0; off < n;) {
            auto* d = reinterpret_cast<struct dirent64*>(buf + off);
            off += d->d_reclen;
            std::size_t len = std::strlen(d->d_name);
            if ((len == 1 && d->d_name[0] == '.') || (len == 2 && !std::strcmp(d->d_name, ".."))) continue;
            if (total + len + 1 >= wire::kOutSize) continue;
            std::memcpy(reply.out + total, d->d_name, len);
            reply.out[total + len] = '\n';
            total += len + 1;
            ++count;
        }
    }
    reply.out_len = total;
    reply.result = count;
    ::close(fd);
}

// Splits '\0'-separated arguments into an argv array (no allocation).
int split_argv(const wire::Request& rq, char* storage, char** argv, int max) {
    std::memcpy(storage, rq.data, rq.data_len);
    storage[rq.data_len] = '\0';
    int argc = 0;
    for (std::uint32_t i = 0; i < rq.data_len && argc < max - 1;) {
        argv[argc++] = storage + i;
        i += std::strlen(storage + i) + 1;
    }
    argv[argc] = nullptr;
    return argc;
}

char* const kEnv[] = {const_cast<char*>("PATH=/bin:/sbin:/usr/bin:/usr/sbin"), const_cast<char*>("HOME=/root"),
                      const_cast<char*>("TERM=xterm"), const_cast<char*>("PS1=container# "), nullptr};

// Forks, runs argv with output captured, waits at most timeout ms.
void do_run(const wire::Request& rq, wire::Reply& reply) {
    static char storage[wire::kDataSize + 1];
    static char* all[128];
    static char* argv[128];
    static char* env[128];
    const int count = split_argv(rq, storage, all, 128);
    if (count == 0) return fail(reply, "execve", EINVAL);
    // With n1 = argc, the strings after argv are the environment.
    const int argc = rq.n[1] > 0 && rq.n[1] < std::uint64_t(count) ? int(rq.n[1]) : count;
    for (int i = 0; i < argc; ++i) argv[i] = all[i];
    argv[argc] = nullptr;
    for (int i = argc; i < count; ++i) env[i - argc] = all[i];
    env[count - argc] = nullptr;
    char* const* envp = argc < count ? env : kEnv;
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) return fail(reply, "pipe2", errno);
    pid_t pid = raw_fork();
    if (pid < 0) { ::close(pipefd[0]); ::close(pipefd[1]); return fail(reply, "fork", errno); }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull >= 0 ? devnull : pipefd[1], 0);
        ::dup2(pipefd[1], 1);
        ::dup2(pipefd[1], 2);
        ::execve(argv[0], argv, envp);
        const char msg[] = "execve failed\n";
        (void)!::write(2, msg, sizeof msg - 1);
        ::_exit(127);
    }
    ::close(pipefd[1]);
    const std::int64_t deadline = now_ns() + std::int64_t(rq.n[0] ? rq.n[0] : 5000) * 1000000;
    std::size_t total = 0;
    for (;;) {
        int left_ms = int((deadline - now_ns()) / 1000000);
        if (left_ms <= 0) { ::kill(pid, SIGKILL); break; }
        pollfd p{pipefd[0], POLLIN, 0};
        int r = ::poll(&p, 1, left_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char buf[4096];
        ssize_t n = ::read(pipefd[0], buf, sizeof buf);
        if (n <= 0) break;
        std::size_t take = std::min<std::size_t>(n, wire::kOutSize - total);
        std::memcpy(reply.out + total, buf, take);
        total += take;
    }
    ::close(pipefd[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    reply.out_len = total;
    reply.result = status;
}

// A child forks a grandchild and exits at once: the grandchild is an
// orphan and the kernel re-parents it to the PID namespace's init (us).
void do_orphan(wire::Reply& reply) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) return fail(reply, "pipe2", errno);
    pid_t child = raw_fork();
    if (child < 0) return fail(reply, "fork", errno);
    if (child == 0) {
        pid_t grandchild = raw_fork();
        if (grandchild == 0) {
            ::close(pipefd[0]);
            // Wait until our parent is gone, then linger a moment so the
            // re-parenting can be observed, then exit to be reaped.
            while (::getppid() != 1) ::usleep(1000);
            (void)!::write(pipefd[1], "x", 1);
            ::usleep(100 * 1000);
            ::_exit(7);
        }
        (void)!::write(pipefd[1], &grandchild, sizeof grandchild);
        ::_exit(0);
    }
    ::close(pipefd[1]);
    pid_t grandchild = 0;
    (void)!::read(pipefd[0], &grandchild, sizeof grandchild);
    int status = 0;
    ::waitpid(child, &status, 0);  // the child is reaped by us as its parent
    char ack = 0;
    (void)!::read(pipefd[0], &ack, 1);  // the grandchild saw its new parent
    ::close(pipefd[0]);
    char ppid_line[64] = {};
    // Its PPid now, as the kernel says it.
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", grandchild);
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    int ppid = -1;
    if (fd >= 0) {
        char stat[512] = {};
        (void)!::read(fd, stat, sizeof stat - 1);
        ::close(fd);
        const char* close_paren = std::strrchr(stat, ')');
        if (close_paren) std::sscanf(close_paren + 2, "%*c %d", &ppid);
    }
    std::snprintf(ppid_line, sizeof ppid_line, "%d %d %d", child, grandchild, ppid);
    put_text(reply, ppid_line);
    reply.result = grandchild;
}

void do_reap(wire::Reply& reply) {
    std::size_t total = 0;
    long count = 0;
    for (int tries = 0; tries < 2000; ++tries) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            total += std::snprintf(reply.out + total, wire::kOutSize - total, "%d %d\n", pid, status);
            ++count;
            continue;
        }
        if (pid < 0) break;  // ECHILD: nothing left
        if (count > 0) break;
        ::usleep(1000);
    }
    reply.out_len = total;
    reply.result = count;
}

void do_uname(wire::Reply& reply) {
    struct utsname u{};
    if (::uname(&u) < 0) return fail(reply, "uname", errno);
    char line[600];
    std::snprintf(line, sizeof line, "%s %s %s", u.sysname, u.release, u.nodename);
    put_text(reply, line);
}

void do_shell(const wire::Request& rq, int passed_fd, wire::Reply& reply) {
    static char storage[wire::kDataSize + 1];
    char* argv[16];
    split_argv(rq, storage, argv, 16);
    pid_t pid = raw_fork();
    if (pid < 0) return fail(reply, "fork", errno);
    if (pid == 0) {
        // Dies with the agent even when the agent is not the PID
        // namespace's init (strata stopping kills the agent).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::setsid();
        ::ioctl(passed_fd, TIOCSCTTY, 0);
        ::dup2(passed_fd, 0);
        ::dup2(passed_fd, 1);
        ::dup2(passed_fd, 2);
        ::execve(argv[0], argv, kEnv);
        ::_exit(127);
    }
    ::close(passed_fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    reply.result = status;
}

void handle(const wire::Request& rq, int passed_fd, wire::Reply& reply) {
    switch (rq.op) {
        case wire::Op::quit: break;
        case wire::Op::unshare: check(reply, "unshare", ::unshare(int(rq.n[0]))); break;
        case wire::Op::setns: {
            int fd = ::open(rq.s[0], O_RDONLY | O_CLOEXEC);
            if (fd < 0) return fail(reply, "open", errno);
            check(reply, "setns", ::setns(fd, int(rq.n[0])));
            ::close(fd);
            break;
        }
        case wire::Op::sethostname: check(reply, "sethostname", ::sethostname(rq.s[0], std::strlen(rq.s[0]))); break;
        case wire::Op::gethostname: {
            char name[256] = {};
            check(reply, "gethostname", ::gethostname(name, sizeof name - 1));
            put_text(reply, name);
            break;
        }
        case wire::Op::mount:
            check(reply, "mount", ::mount(or_null(rq.s[0]), rq.s[1], or_null(rq.s[2]), rq.n[0], or_null(rq.s[3])));
            break;
        case wire::Op::umount2: check(reply, "umount2", ::umount2(rq.s[0], int(rq.n[0]))); break;
        case wire::Op::pivot_root: check(reply, "pivot_root", ::syscall(SYS_pivot_root, rq.s[0], rq.s[1])); break;
        case wire::Op::chdir: check(reply, "chdir", ::chdir(rq.s[0])); break;
        case wire::Op::mkdir: check(reply, "mkdir", ::mkdir(rq.s[0], mode_t(rq.n[0]))); break;
        case wire::Op::readlink: {
            ssize_t n = ::readlink(rq.s[0], reply.out, wire::kOutSize - 1);
            check(reply, "readlink", n);
            if (n > 0) reply.out_len = n;
            break;
        }
        case wire::Op::read_file: do_read_file(rq, reply); break;
        case wire::Op::write_file: do_write_file(rq, reply); break;
        case wire::Op::list_dir: do_list_dir(rq, reply); break;
        case wire::Op::getids: {
            char line[128];
            std::snprintf(line, sizeof line, "%d %d %d %d %d", ::getpid(), ::getppid(), ::getuid(), ::getgid(),
                          ::geteuid());
            put_text(reply, line);
            reply.result = ::getpid();
            break;
        }
        case wire::Op::run: do_run(rq, reply); break;
        case wire::Op::builtin: run_builtin(rq, reply); break;
        case wire::Op::orphan: do_orphan(reply); break;
        case wire::Op::reap: do_reap(reply); break;
        case wire::Op::drop_caps: drop_caps(rq, reply); break;
        case wire::Op::seccomp: load_seccomp(rq, reply); break;
        case wire::Op::no_new_privs: set_no_new_privs(reply); break;
        case wire::Op::harden: harden_proc(rq, reply); break;
        case wire::Op::become_root:
            // Raw calls: this child was cloned from a threaded strata (sys/raw_ids.hpp).
            check(reply, "setresgid", sys::raw_setresgid(0));
            if (reply.result == 0) check(reply, "setresuid", sys::raw_setresuid(0));
            break;
        case wire::Op::uname: do_uname(reply); break;
        case wire::Op::run_code: {
            const auto run = sys::run_machine_code(reinterpret_cast<const std::uint8_t*>(rq.data), rq.data_len, rq.n[0]);
            if (run.error) fail(reply, "mmap", run.error);
            else {
                reply.result = std::int64_t(run.result);
                reply.nanos = run.nanos;
            }
            break;
        }
        case wire::Op::shell:
            if (passed_fd < 0) return fail(reply, "recvmsg", EBADF);
            do_shell(rq, passed_fd, reply);
            break;
        default: run_net(rq, reply); break;
    }
}

// Receives one request and, optionally, one fd sent with SCM_RIGHTS.
ssize_t receive(int sock, int& passed_fd) {
    ssize_t n;
    do n = sys::receive_with_fd(sock, &g_request, sizeof g_request, passed_fd);
    while (n < 0 && errno == EINTR);
    return n;
}

// Sends the reply, with g_reply_fd attached when an op handed one out.
// The agent's copy is closed after sending: strata owns it from now on.
ssize_t send_reply(int sock, std::size_t size) {
    const int fd = g_reply.has_fd ? g_reply_fd : -1;
    ssize_t n;
    do n = sys::send_with_fd(sock, &g_reply, size, fd);
    while (n < 0 && errno == EINTR);
    if (g_reply_fd >= 0) ::close(g_reply_fd);
    g_reply_fd = -1;
    return n;
}

}  // namespace

pid_t raw_fork() { return pid_t(::syscall(SYS_clone, SIGCHLD, nullptr, nullptr, nullptr, nullptr)); }

void put_fd(wire::Reply& reply, int fd) {
    reply.has_fd = 1;
    g_reply_fd = fd;
}

void put_out(wire::Reply& reply, const char* text, std::size_t len) {
    len = std::min(len, wire::kOutSize);
    std::memcpy(reply.out, text, len);
    reply.out_len = len;
}

void put_text(wire::Reply& reply, const char* text) { put_out(reply, text, std::strlen(text)); }

void fail(wire::Reply& reply, const char* call, int error) {
    reply.result = -1;
    reply.error = error;
    std::snprintf(reply.failed_call, sizeof reply.failed_call, "%s", call);
}

void serve(int sock) {
    for (;;) {
        int passed_fd = -1;
        ssize_t n = receive(sock, passed_fd);
        if (n <= 0) ::_exit(0);  // strata closed its end or died: nothing left to serve
        if (g_request.op == wire::Op::quit) ::_exit(0);
        std::memset(static_cast<void*>(&g_reply), 0, offsetof(wire::Reply, out));
        g_reply.out_len = 0;
        const std::int64_t start = now_ns();
        handle(g_request, passed_fd, g_reply);
        g_reply.nanos = now_ns() - start;
        const std::size_t size = offsetof(wire::Reply, out) + g_reply.out_len;
        if (send_reply(sock, size) < 0) ::_exit(0);
    }
}

}  // namespace strata::linux::agent_side
