// SIGINT, SIGTERM and SIGHUP at every step-by-step prompt of every container
// lesson: strata exits with 128 + the signal, and at that moment nothing of
// the run is left on the host — no cgroup, temp dir, mount, network
// namespace or process. (SIGKILL, which no program can catch, is
// sigkill_test.cpp's: there the next strata sweeps.)
//
// strata runs as its own program, in a process group of its own, as a shell
// starts a job: SIGINT goes to the whole group, as Ctrl-C on a terminal
// sends it (the agents get it too), SIGTERM and SIGHUP to strata alone, as
// kill(1) and a closing terminal do. This process is a child subreaper for
// the test, so any descendant strata left behind becomes our child, and the
// leak check, which lists our children, sees it.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstring>
#include <thread>

#include <sys/wait.h>

#include "lessons/catalogue.hpp"
#include "tests/support/no_leaks.hpp"
#include "tests/support/strata_process.hpp"

using namespace strata;

namespace {

constexpr const char* kPrompt = "[Enter: next step, q: quit]";
constexpr auto kPatience = std::chrono::seconds(30);

struct Case {
    std::string lesson;
    int steps_done;  // the prompt after this many steps
    int signo;
};

// Every prompt of every container lesson, with each of the three signals.
std::vector<Case> every_prompt_and_signal() {
    std::vector<Case> cases;
    for (const auto& lesson : lessons::catalogue().lessons()) {
        if (!lesson.id.starts_with("container/")) continue;
        const int steps = static_cast<int>(lesson.steps.size());
        for (int done = 1; done < steps; ++done)
            for (int signo : {SIGINT, SIGTERM, SIGHUP}) cases.push_back({lesson.id, done, signo});
    }
    return cases;
}

}  // namespace

TEST_CASE("A signal at any step-by-step prompt of a container lesson removes everything before strata exits", "[root]") {
    const auto c = GENERATE(from_range(every_prompt_and_signal()));
    CAPTURE(c.lesson, c.steps_done, sigabbrev_np(c.signo));
    const tests::StrataScene scene;

    {
        const auto strata = scene.start({"run", c.lesson, "--step-by-step", "--no-narrative", "--live"});
        const bool reached = strata->reach_prompt(kPrompt, c.steps_done, kPatience);
        INFO(strata->output());
        REQUIRE(reached);
        strata->signal(c.signo, /*whole_group=*/c.signo == SIGINT);
        tests::check_exit_status(*strata, 128 + c.signo, kPatience);
        CHECK(strata->output().find(std::string("stopped by SIG") + sigabbrev_np(c.signo)) != std::string::npos);
        // The step after the prompt never ran.
        CHECK(strata->output().find("── Step " + std::to_string(c.steps_done + 1) + "/") == std::string::npos);
    }
    // At once: strata has exited and been reaped, nothing waited for.
    CHECK_NO_LEAKS(scene.before);
}

TEST_CASE("A signal while strata waits for a container's interactive shell removes the container", "[root]") {
    const int signo = GENERATE(SIGTERM, SIGHUP);
    CAPTURE(sigabbrev_np(signo));
    const tests::StrataScene scene;
    {
        const auto strata = scene.start({"run", "container/mount-pivot", "--no-narrative", "--live", "--shell"});
        // The shell is up when it answers; then it waits for input forever.
        strata->type("echo shell-is-$((6*7))");
        const bool up = strata->wait_for("shell-is-42", 1, kPatience);
        INFO(strata->output());
        REQUIRE(up);
        strata->signal(signo, /*whole_group=*/false);
        tests::check_exit_status(*strata, 128 + signo, kPatience);
    }
    CHECK_NO_LEAKS(scene.before);
}

TEST_CASE("A second signal while strata cleans up does not cut the clean-up short", "[root]") {
    const tests::StrataScene scene;
    {
        const auto strata = scene.start({"run", "container/cgroups", "--step-by-step", "--no-narrative", "--live"});
        const bool reached = strata->reach_prompt(kPrompt, 3, kPatience);  // its cgroups exist now
        INFO(strata->output());
        REQUIRE(reached);
        // Back to back: whichever the handler sees first is the stop, the
        // other comes while (or before) strata cleans up.
        strata->signal(SIGTERM, /*whole_group=*/false);
        strata->signal(SIGHUP, /*whole_group=*/false);
        const auto exited = strata->wait(kPatience);
        INFO(strata->output());
        REQUIRE(exited);
        CHECK(WIFEXITED(*exited));  // not killed by the second signal
        CHECK((WEXITSTATUS(*exited) == 128 + SIGTERM || WEXITSTATUS(*exited) == 128 + SIGHUP));
        CHECK(strata->output().find("already stopping") != std::string::npos);
    }
    CHECK_NO_LEAKS(scene.before);
}

TEST_CASE("A closed output pipe (a pager that was quit) stops strata like a signal: 141, nothing left", "[root]") {
    const tests::StrataScene scene;
    {
        const auto strata = scene.start({"run", "container/overlay", "--step-by-step", "--no-narrative", "--live"});
        const bool reached = strata->reach_prompt(kPrompt, 3, kPatience);
        INFO(strata->output());
        REQUIRE(reached);
        strata->close_output();
        strata->type("");  // the next step prints, into the closed pipe
        const auto status = strata->wait(kPatience);
        REQUIRE(status);
        CHECK(WIFEXITED(*status));
        CHECK(WEXITSTATUS(*status) == 128 + SIGPIPE);
    }
    CHECK_NO_LEAKS(scene.before);
}
