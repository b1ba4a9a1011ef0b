#include "bench/soak.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backends/linux/host_footprint.hpp"
#include "backends/linux/sweep.hpp"
#include "backends/linux/temp_dir.hpp"
#include "backends/probe/machine_report.hpp"
#include "engine/stop_request.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"

namespace strata::bench {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kSignals[4] = {SIGINT, SIGTERM, SIGHUP, SIGKILL};
constexpr const char* kSignalNames[4] = {"SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"};
// A run that takes this long is hung, not slow: it is killed and reported.
constexpr auto kRunLimit = std::chrono::seconds(120);
// How long a killed strata's children get to follow it (PR_SET_PDEATHSIG
// is delivered at once, but dying takes a moment).
constexpr auto kOrphanGrace = std::chrono::seconds(3);

std::vector<std::string> live_lessons() {
    const auto report = probe::probe_machine();
    std::vector<std::string> ids;
    for (const auto& lesson : lessons::catalogue().lessons())
        if (lessons::availability(lesson, report).mode == lessons::Mode::live) ids.push_back(lesson.id);
    return ids;
}

// One `strata run ID --live` in its own process group (so SIGINT can go to
// the group, as a terminal's Ctrl-C does), its output to `log`.
struct Child {
    pid_t pid = -1;
    int pidfd = -1;
};

engine::Result<Child> start_run(const std::string& strata, const std::string& lesson, const std::string& state_dir,
                                const std::string& log) {
    // Everything the child needs is made before fork: after it, only
    // async-signal-safe calls (this process has threads).
    std::vector<std::string> args = {strata, "run", lesson, "--live", "--no-exercises"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e)
        if (!std::string_view(*e).starts_with("XDG_STATE_HOME=")) env_strings.emplace_back(*e);
    // Progress goes to the soak's own directory, not the learner's.
    env_strings.push_back("XDG_STATE_HOME=" + state_dir);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) return engine::errno_error("fork", errno, "cannot start a run");
    if (pid == 0) {
        ::setpgid(0, 0);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        const int in = ::open("/dev/null", O_RDONLY);
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0) ::_exit(127);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also here: the signal may come before the child ran
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        return engine::errno_error("pidfd_open", errno, "cannot watch a run");
    }
    return Child{pid, pidfd};
}

// Waits up to `limit` for the child to end, or for a stop request.
// True when it ended.
bool wait_for(const Child& child, Clock::duration limit) {
    pollfd fds[2] = {{child.pidfd, POLLIN, 0}, {engine::stop_fd(), POLLIN, 0}};
    const int count = engine::stop_fd() >= 0 ? 2 : 1;
    const auto deadline = Clock::now() + limit;
    for (;;) {
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
        const int r = ::poll(fds, count, static_cast<int>(std::max<long long>(left, 0)));
        if (r > 0 && (fds[0].revents & POLLIN)) return true;
        if (r > 0 && count == 2 && (fds[1].revents & POLLIN)) return false;
        if (r == 0 || left <= 0) return false;
    }
}

std::string tail_of(const std::string& path) {
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.size() > 400 ? "…" + text.substr(text.size() - 400) : text;
}

// Reaps what a run left as this process's children: a killed strata's
// agents and VMs are reparented here (this process is a subreaper) and
// should die within moments. What is still alive then is a leftover.
std::vector<std::string> reap_orphans() {
    const auto deadline = Clock::now() + kOrphanGrace;
    for (;;) {
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {}
        const auto children = linux::HostFootprint::capture().children;
        if (children.empty()) return {};
        if (Clock::now() > deadline) {
            std::vector<std::string> out;
            for (const auto& pid : children) {
                std::ifstream comm("/proc/" + pid + "/comm");
                std::string name;
                std::getline(comm, name);
                out.push_back(fmt::format("process {} ({}) outlived its strata", pid, name));
                ::kill(std::stoi(pid), SIGKILL);
            }
            while (::waitpid(-1, nullptr, WNOHANG) > 0) {}
            return out;
        }
        std::this_thread::sleep_for(milliseconds(20));
    }
}

struct RunPlan {
    std::string lesson;
    int signal_index = -1;  // into kSignals; -1: no signal
    milliseconds delay{0};
};

std::string describe(int number, const RunPlan& plan) {
    if (plan.signal_index < 0) return fmt::format("run {} ({})", number, plan.lesson);
    return fmt::format("run {} ({}, {} at {} ms)", number, plan.lesson, kSignalNames[plan.signal_index],
                       plan.delay.count());
}

}  // namespace

engine::Result<SoakReport> run_soak(const SoakOptions& options) {
    SoakReport report;
    for (const auto& id : options.lessons)
        if (!lessons::catalogue().find(id))
            return engine::plain_error("strata bench soak", fmt::format("there is no lesson {}", id),
                                       "`strata list` shows every lesson id");
    report.lessons = options.lessons.empty() ? live_lessons() : options.lessons;
    if (report.lessons.empty())
        return engine::plain_error("strata bench soak", "no lesson runs live on this machine",
                                   "`strata doctor` says what is missing; the soak needs live runs to check");
    report.seed = options.seed ? options.seed : std::random_device{}();
    std::mt19937_64 random(report.seed);

    // Orphans of a killed run come to this process, so they can be counted.
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
        return engine::errno_error("prctl(PR_SET_CHILD_SUBREAPER)", errno, "cannot watch what a killed run leaves");
    auto work = linux::TempDir::create("soak");
    if (!work) return std::unexpected(work.error());
    const std::string state_dir = (work->path() / "state").string(), log = (work->path() / "run.log").string();
    std::filesystem::create_directories(state_dir);

    const auto started = Clock::now();
    std::map<std::string, Clock::duration> duration;  // each lesson's unsignalled run
    auto before = linux::HostFootprint::capture();
    std::shuffle(report.lessons.begin(), report.lessons.end(), random);

    for (int i = 0; i < options.runs && !engine::stop_requested(); ++i) {
        RunPlan plan{report.lessons[i % report.lessons.size()]};
        const bool calibrated = duration.contains(plan.lesson);
        if (calibrated && std::bernoulli_distribution(options.signal_share)(random)) {
            plan.signal_index = std::uniform_int_distribution<int>(0, 3)(random);
            // Up to a fifth past the usual end, so some signals come late.
            const auto span = std::chrono::duration_cast<milliseconds>(duration[plan.lesson] * 6 / 5).count();
            plan.delay = milliseconds(std::uniform_int_distribution<long long>(0, std::max<long long>(span, 1))(random));
        }
        auto child = start_run(options.strata, plan.lesson, state_dir, log);
        if (!child) return std::unexpected(child.error());
        const auto run_started = Clock::now();
        ++report.runs;

        bool ended = false, signal_sent = false;
        if (plan.signal_index >= 0) {
            ended = wait_for(*child, plan.delay);
            if (ended) {
                ++report.finished_before_signal;
            } else if (!engine::stop_requested()) {
                const int signo = kSignals[plan.signal_index];
                // Ctrl-C reaches the whole foreground group; kill(1) one process.
                ::kill(signo == SIGINT ? -child->pid : child->pid, signo);
                ++report.signals_sent;
                signal_sent = true;
                ++report.by_signal[plan.signal_index];
            }
        }
        if (!ended) ended = wait_for(*child, kRunLimit);
        if (!ended) {
            // Hung, or the soak was stopped: the run gets what a user would send.
            ::kill(-child->pid, engine::stop_requested() ? SIGTERM : SIGKILL);
            if (!engine::stop_requested()) report.failures.push_back(describe(i + 1, plan) + ": hung, killed");
        }
        int status = 0;
        ::waitpid(child->pid, &status, 0);
        ::close(child->pidfd);
        if (!calibrated) duration[plan.lesson] = Clock::now() - run_started;

        // 0, or what the signal it got says: 128 + signal for the three
        // strata catches, death by SIGKILL for the one it cannot. A signal
        // in the first milliseconds, while the program is still being
        // loaded, meets no handler yet and kills it; it had made nothing.
        const int signo = signal_sent ? kSignals[plan.signal_index] : 0;
        const bool died_of_it = signo && WIFSIGNALED(status) && WTERMSIG(status) == signo;
        if (died_of_it && signo != SIGKILL) ++report.before_handlers;
        const bool expected = (WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
                              (signo && signo != SIGKILL && WIFEXITED(status) && WEXITSTATUS(status) == 128 + signo) ||
                              died_of_it || engine::stop_requested();
        if (!expected) {
            ++report.unexpected_exits;
            const auto how = WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status))
                                               : fmt::format("signal {}", WTERMSIG(status));
            report.failures.push_back(fmt::format("{}: {}; it said: {}", describe(i + 1, plan), how, tail_of(log)));
        }

        // A SIGKILLed strata cannot clean up: what it left is the next
        // strata's to sweep, as any command's start does — its cgroups,
        // with any process still in them (an idle container's `sleep`,
        // PID 1 of its namespace, ignores the parent-death signal).
        if (signo == SIGKILL) report.swept_after_kill += static_cast<int>(linux::sweep_stale().removed.size());
        for (auto& orphan : reap_orphans()) report.leftovers.push_back(describe(i + 1, plan) + ": " + orphan);
        auto after = linux::HostFootprint::capture();
        for (auto& leak : linux::footprint_leaks(before, after))
            report.leftovers.push_back(describe(i + 1, plan) + ": " + leak);
        before = std::move(after);  // each leftover is counted once
    }
    report.stopped = engine::stop_requested();
    report.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return report;
}

void print_soak(const SoakReport& r, bool json) {
    const double per_minute = r.wall_seconds > 0 ? r.runs * 60.0 / r.wall_seconds : 0;
    if (json) {
        nlohmann::json j = {{"seed", r.seed},
                            {"lessons", r.lessons},
                            {"runs", r.runs},
                            {"signals_sent", r.signals_sent},
                            {"signals", {{"SIGINT", r.by_signal[0]}, {"SIGTERM", r.by_signal[1]},
                                         {"SIGHUP", r.by_signal[2]}, {"SIGKILL", r.by_signal[3]}}},
                            {"finished_before_signal", r.finished_before_signal},
                            {"signalled_before_handlers", r.before_handlers},
                            {"unexpected_exits", r.unexpected_exits},
                            {"swept_after_kill", r.swept_after_kill},
                            {"leftovers", r.leftovers},
                            {"failures", r.failures},
                            {"wall_seconds", r.wall_seconds},
                            {"runs_per_minute", per_minute},
                            {"stopped", r.stopped}};
        std::printf("%s\n", j.dump(2).c_str());
        return;
    }
    std::printf("soak: %d runs of %zu lessons in %.1f s (%.0f runs per minute), seed %llu%s\n", r.runs,
                r.lessons.size(), r.wall_seconds, per_minute, static_cast<unsigned long long>(r.seed),
                r.stopped ? " — stopped early" : "");
    std::printf("  signals sent        %d (SIGINT %d, SIGTERM %d, SIGHUP %d, SIGKILL %d); %d runs ended before theirs\n",
                r.signals_sent, r.by_signal[0], r.by_signal[1], r.by_signal[2], r.by_signal[3],
                r.finished_before_signal);
    std::printf("  before its handlers %d (a catchable signal while the program was still loading: default action)\n",
                r.before_handlers);
    std::printf("  swept after SIGKILL %d resources (what the next strata's start removes)\n", r.swept_after_kill);
    std::printf("  unexpected exits    %d\n", r.unexpected_exits);
    std::printf("  leftovers           %zu\n", r.leftovers.size());
    for (const auto& line : r.leftovers) std::printf("    %s\n", line.c_str());
    for (const auto& line : r.failures) std::printf("    %s\n", line.c_str());
}

}  // namespace strata::bench
