// ChildProcess: a move-only owner of a child pid. Destroying it kills the
// child (SIGKILL) and reaps it, so no lesson can leave a process behind on
// success, failure or cancel.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include <sys/types.h>

namespace strata::linux {

class ChildProcess {
public:
    ChildProcess() = default;
    explicit ChildProcess(pid_t pid) : pid_(pid) {}
    ~ChildProcess() { kill_and_wait(); }
    ChildProcess(ChildProcess&& other) noexcept
        : pid_(std::exchange(other.pid_, -1)), status_(other.status_) {}
    ChildProcess& operator=(ChildProcess&& other) noexcept {
        if (this != &other) {
            kill_and_wait();
            pid_ = std::exchange(other.pid_, -1);
            status_ = other.status_;
        }
        return *this;
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    bool running() const { return pid_ > 0; }
    // Sends a signal; safe from another thread while the child is unreaped.
    void signal(int sig) const;
    // Waits for the child to exit; returns its wait status.
    int wait();
    // SIGKILL, then reap. Idempotent.
    void kill_and_wait();
    // The last wait status (after wait()/kill_and_wait()).
    int status() const { return status_; }

private:
    pid_t pid_ = -1;
    int status_ = 0;
};

// "exited 0", "killed by SIGKILL", ...
std::string describe_wait_status(int status);

}  // namespace strata::linux
