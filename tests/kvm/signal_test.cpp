// Signals to strata while a VM lesson runs: the vCPU is kicked out of
// KVM_RUN (a hung guest does not hold strata until its run's time limit),
// the VM is destroyed on the way out, and strata exits with 128 + the
// signal, leaving no process behind. strata runs as its own program, next
// to this one (also inside the suite's QEMU VM), in a process group of its
// own; SIGINT goes to the group, as a terminal's Ctrl-C does.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>


#include "tests/support/no_leaks.hpp"
#include "tests/support/strata_process.hpp"

using namespace strata;
using Clock = std::chrono::steady_clock;

TEST_CASE("A signal while a hung tinyos runs stops vm/tiny-os at once with 128 + the signal", "[kvm]") {
    const int signo = GENERATE(SIGINT, SIGTERM, SIGHUP);
    CAPTURE(sigabbrev_np(signo));
    const tests::StrataScene scene;
    {
        // fault=hang: tinyos's kernel spins at the end of its set-up; step 4
        // ("Watch it set itself up") would wait for its 5 s watchdog.
        const auto strata = scene.start({"run", "vm/tiny-os", "--set", "fault=hang", "--no-narrative", "--live"});
        const bool running = strata->wait_for("── Step 4/", 1, std::chrono::seconds(60));
        INFO(strata->output());
        REQUIRE(running);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // inside KVM_RUN by now
        const auto sent = Clock::now();
        strata->signal(signo, /*whole_group=*/signo == SIGINT);
        tests::check_exit_status(*strata, 128 + signo, std::chrono::seconds(15));
        const auto took = Clock::now() - sent;
        CHECK(took < std::chrono::seconds(2));  // the watchdog would have needed 4.7 s more
        CHECK(strata->output().find("watchdog: the guest ran for") == std::string::npos);
        CHECK(strata->output().find(std::string("stopped by SIG") + sigabbrev_np(signo)) != std::string::npos);
    }
    CHECK_NO_LEAKS(scene.before);
}

TEST_CASE("A signal at vm/hello-kvm's step-by-step prompt ends the lesson with 128 + the signal", "[kvm]") {
    const auto [prompt, signo] = GENERATE(table<int, int>({{1, SIGTERM}, {3, SIGHUP}, {5, SIGINT}}));
    CAPTURE(prompt, sigabbrev_np(signo));
    const tests::StrataScene scene;
    {
        const auto strata = scene.start({"run", "vm/hello-kvm", "--step-by-step", "--no-narrative", "--live"});
        const bool reached = strata->reach_prompt("[Enter: next step, q: quit]", prompt, std::chrono::seconds(30));
        INFO(strata->output());
        REQUIRE(reached);
        strata->signal(signo, /*whole_group=*/signo == SIGINT);
        tests::check_exit_status(*strata, 128 + signo, std::chrono::seconds(15));
        CHECK(strata->output().find("── Step " + std::to_string(prompt + 1) + "/") == std::string::npos);
    }
    CHECK_NO_LEAKS(scene.before);
}
