#include "backends/linux/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include <fmt/format.h>
#include <sys/wait.h>

namespace strata::linux {

void ChildProcess::signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
}

int ChildProcess::wait() {
    if (pid_ <= 0) return status_;
    int status = 0;
    pid_t r;
    do r = ::waitpid(pid_, &status, __WALL);
    while (r < 0 && errno == EINTR);
    if (r == pid_) status_ = status;
    pid_ = -1;
    return status_;
}

void ChildProcess::kill_and_wait() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    wait();
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return fmt::format("exited {}", WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const char* name = sigabbrev_np(WTERMSIG(status));
        return fmt::format("killed by SIG{}", name ? name : std::to_string(WTERMSIG(status)));
    }
    return fmt::format("wait status {:#x}", status);
}

}  // namespace strata::linux
