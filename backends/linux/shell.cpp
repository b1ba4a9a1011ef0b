#include "backends/linux/shell.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include <sys/wait.h>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "backends/sys/fd.hpp"

namespace strata::linux {

namespace {

// Puts a terminal in raw mode for the shell's lifetime: keys go to the
// container's shell, not to strata's line editing or signals.
class RawTerminal {
public:
    explicit RawTerminal(int fd) : fd_(fd) {
        if (!::isatty(fd) || ::tcgetattr(fd, &saved_) != 0) return;
        termios raw = saved_;
        ::cfmakeraw(&raw);
        active_ = ::tcsetattr(fd, TCSANOW, &raw) == 0;
    }
    ~RawTerminal() {
        if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
    }

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

bool write_all(int fd, const char* data, ssize_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, data, std::size_t(n));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        data += w;
        n -= w;
    }
    return true;
}

// Copies in -> master and master -> out until `stop` is signalled and the
// master has nothing more to say.
void relay(int in_fd, int out_fd, int master, int stop) {
    bool input_open = true;
    for (;;) {
        pollfd fds[3] = {{master, POLLIN, 0}, {stop, POLLIN, 0}, {in_fd, short(input_open ? POLLIN : 0), 0}};
        if (::poll(fds, 3, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        char buf[4096];
        if (fds[0].revents & POLLIN) {
            ssize_t n = ::read(master, buf, sizeof buf);
            if (n > 0) { write_all(out_fd, buf, n); continue; }
        }
        if (fds[1].revents & POLLIN) return;  // shell gone and output drained
        if (fds[0].revents & (POLLHUP | POLLERR) && !(fds[0].revents & POLLIN)) {
            // No slave open right now (between our close and the shell's
            // exit): wait for the stop signal instead of spinning.
            pollfd s{stop, POLLIN, 0};
            ::poll(&s, 1, 20);
            if (s.revents & POLLIN) return;
        }
        if (input_open && (fds[2].revents & (POLLIN | POLLHUP))) {
            ssize_t n = ::read(in_fd, buf, sizeof buf);
            if (n <= 0) { input_open = false; continue; }
            write_all(master, buf, n);
        }
    }
}

}  // namespace

Result<int> run_shell(Agent& agent, const std::vector<std::string>& argv, int in_fd, int out_fd) {
    sys::Fd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master.valid()) return engine::errno_error("posix_openpt", errno, "no pseudo-terminal for the shell",
                                                    "is /dev/pts mounted (devpts)?");
    if (::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0)
        return engine::errno_error("unlockpt", errno, "cannot unlock the pseudo-terminal");
    char name[128];
    if (::ptsname_r(master.get(), name, sizeof name) != 0) return engine::errno_error("ptsname", errno);
    sys::Fd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave.valid()) return engine::errno_error(std::string("open ") + name, errno);
    winsize ws{};
    if (::ioctl(in_fd, TIOCGWINSZ, &ws) == 0) ::ioctl(master.get(), TIOCSWINSZ, &ws);

    wire::Request rq;
    rq.op = wire::Op::shell;
    std::string packed, shown;
    for (const auto& a : argv) {
        packed += a;
        packed.push_back('\0');
        shown += (shown.empty() ? "" : " ") + a;
    }
    std::memcpy(rq.data, packed.data(), std::min(packed.size(), wire::kDataSize));
    rq.data_len = std::uint32_t(std::min(packed.size(), wire::kDataSize));

    sys::Fd stop(::eventfd(0, EFD_CLOEXEC));
    RawTerminal raw(in_fd);
    std::thread relayer(relay, in_fd, out_fd, master.get(), stop.get());
    // The shell has no time limit: it ends when the user leaves it.
    auto r = agent.call(rq,
                        {fmt::format("fork + execve({}) on a pty", shown), "execve",
                         {LayerId::runtime, LayerId::processes, LayerId::container}, {{"argv", shown}},
                         EventKind::process, "interactive shell"},
                        {}, std::chrono::milliseconds(100), std::chrono::hours(24 * 365), slave.get());
    slave.reset();
    const std::uint64_t one = 1;
    (void)!::write(stop.get(), &one, sizeof one);
    relayer.join();
    if (!r) return std::unexpected(r.error());
    // The agent reports the raw wait status; callers want the shell's own
    // exit status (or 128 + signal, as shells report a killed command).
    const int status = int(r->result);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace strata::linux
