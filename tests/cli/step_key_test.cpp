// Step by step on a terminal: one key goes on or quits, no Enter after q.
// strata runs on a pseudo-terminal, as in a learner's terminal window.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <string>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/cli/run_strata.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Terminal {
    int master = -1;
    pid_t pid = -1;
    std::string output;

    // Reads until `text` has been printed (after `from`) or `seconds` pass.
    bool wait_for(const std::string& text, int seconds, std::size_t from = 0) {
        const auto deadline = Clock::now() + std::chrono::seconds(seconds);
        while (output.find(text, from) == std::string::npos && Clock::now() < deadline) {
            pollfd fd{master, POLLIN, 0};
            if (::poll(&fd, 1, 100) <= 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(master, buffer, sizeof buffer);
            if (n <= 0) break;
            output.append(buffer, static_cast<std::size_t>(n));
        }
        return output.find(text, from) != std::string::npos;
    }
    // The exit status, or -1 if strata is still running after `seconds`.
    int exit_status(int seconds) {
        const auto deadline = Clock::now() + std::chrono::seconds(seconds);
        while (Clock::now() < deadline) {
            wait_for("\x01never printed\x01", 0);  // keep draining, so strata never blocks on output
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            ::usleep(20'000);
        }
        return -1;
    }
    ~Terminal() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        if (master >= 0) ::close(master);
    }
};

void start(Terminal& t) {
    t.pid = ::forkpty(&t.master, nullptr, nullptr, nullptr);
    REQUIRE(t.pid >= 0);
    if (t.pid == 0) {
        ::setenv("XDG_STATE_HOME", strata::tests::scratch_state_home().c_str(), 1);
        ::execl(STRATA_BINARY, "strata", "run", "vm/hello-kvm", "--replay", "--speed", "0", "--step-by-step",
                "--no-narrative", "--no-exercises", static_cast<char*>(nullptr));
        ::_exit(127);
    }
}

constexpr const char* kPrompt = "[Enter: next step, q: quit]";

}  // namespace

TEST_CASE("On a terminal, Enter alone goes to the next step and q alone quits", "[cli]") {
    (void)strata::tests::scratch_state_home();  // made before the fork
    Terminal t;
    start(t);
    REQUIRE(t.wait_for(kPrompt, 30));
    REQUIRE(::write(t.master, "\r", 1) == 1);
    REQUIRE(t.wait_for("Step 2/", 10));
    REQUIRE(t.wait_for(kPrompt, 10, t.output.find("Step 2/")));
    REQUIRE(::write(t.master, "q", 1) == 1);  // no Enter
    CHECK(t.exit_status(10) == 0);
    CHECK(t.output.find("Step 3/") == std::string::npos);
}
