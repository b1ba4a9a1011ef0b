#include "tests/support/strata_process.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace strata::tests {

namespace {

using Clock = std::chrono::steady_clock;

int count_of(const std::string& haystack, const std::string& needle) {
    int n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
    return n;
}

}  // namespace

std::string strata_next_to_tests() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    REQUIRE(!ec);
    const auto program = self.parent_path() / "strata";
    REQUIRE(::access(program.c_str(), X_OK) == 0);
    return program.string();
}

Subreaper::Subreaper() { REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0); }

Subreaper::~Subreaper() {
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {}
}

StrataProcess::StrataProcess(const std::string& program, const std::vector<std::string>& args,
                             const std::filesystem::path& state_home) {
    int in[2], out[2];
    REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    std::vector<std::string> env_text;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "XDG_STATE_HOME=", 15) != 0) env_text.emplace_back(*e);
    env_text.push_back("XDG_STATE_HOME=" + state_home.string());
    std::vector<char*> env, argv;
    for (auto& e : env_text) env.push_back(e.data());
    env.push_back(nullptr);
    std::vector<std::string> argv_text{program};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);  // a job of its own, as a shell starts it
    // The test's own signal mask and dispositions are not the learner's.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int rc = ::posix_spawn(&pid_, program.c_str(), &actions, &attr, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    ::close(out[1]);
    in_ = in[1];
    out_ = out[0];
    REQUIRE(rc == 0);
}

StrataProcess::~StrataProcess() {
    if (pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (in_ >= 0) ::close(in_);
    if (out_ >= 0) ::close(out_);
}

bool StrataProcess::read_some(std::chrono::milliseconds timeout) {
    if (ended_) return false;
    pollfd p{out_, POLLIN, 0};
    int r;
    do r = ::poll(&p, 1, int(timeout.count()));
    while (r < 0 && errno == EINTR);
    if (r <= 0) return false;
    char buf[4096];
    const ssize_t n = ::read(out_, buf, sizeof buf);
    if (n <= 0) {
        ended_ = true;
        return false;
    }
    output_.append(buf, std::size_t(n));
    return true;
}

bool StrataProcess::wait_for(const std::string& text, int count, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (count_of(output_, text) < count) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || !read_some(left)) return count_of(output_, text) >= count;
    }
    return true;
}

void StrataProcess::type(const std::string& line) {
    const std::string text = line + "\n";
    REQUIRE(::write(in_, text.data(), text.size()) == ssize_t(text.size()));
}

bool StrataProcess::reach_prompt(const std::string& prompt, int n, std::chrono::milliseconds timeout) {
    for (int seen = 1; seen <= n; ++seen) {
        if (!wait_for(prompt, seen, timeout)) return false;
        if (seen < n) type("");
    }
    return true;
}

void check_exit_status(StrataProcess& strata, int status, std::chrono::milliseconds timeout) {
    const auto exited = strata.wait(timeout);
    INFO(strata.output());
    REQUIRE(exited);
    CHECK(WIFEXITED(*exited));
    CHECK(WEXITSTATUS(*exited) == status);
}

void StrataProcess::signal(int signo, bool whole_group) { ::kill(whole_group ? -pid_ : pid_, signo); }

std::optional<int> StrataProcess::wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!ended_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        read_some(left);
    }
    // The output ends when strata's last descendant holding the pipe exits;
    // strata itself may take a moment longer to become a zombie.
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            return status;
        }
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

namespace {
linux::TempDir scratch_state_home() {
    auto dir = linux::TempDir::create("test-state");
    REQUIRE(dir);
    return std::move(*dir);
}
}  // namespace

void StrataProcess::close_output() {
    if (out_ >= 0) ::close(out_);
    out_ = -1;
    ended_ = true;
}

StrataScene::StrataScene() : state_home(scratch_state_home()), before(HostState::capture()) {}

std::unique_ptr<StrataProcess> StrataScene::start(const std::vector<std::string>& args) const {
    return std::make_unique<StrataProcess>(strata_next_to_tests(), args, state_home.path());
}

}  // namespace strata::tests
