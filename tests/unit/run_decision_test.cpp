// Every way a vCPU run ends, decided without a vCPU.
#include <catch2/catch.hpp>

#include "backends/kvm/run_decision.hpp"

using namespace strata::kvm;
using namespace std::chrono_literals;

namespace {

ExitOutcome outcome(ExitAction action, ExitInfo exit = IoExit{true, 0x3f8, 1, 1, 0}) {
    ExitOutcome o;
    o.action = action;
    o.exit = exit;
    o.problem = "what happened";
    return o;
}

LoopFacts exited(const ExitOutcome& o, std::uint64_t exits = 1) {
    return LoopFacts{LoopPoint::exited, &o, false, 1ms, exits};
}

LoopFacts interrupted(std::chrono::nanoseconds elapsed, bool kicked = false) {
    return LoopFacts{LoopPoint::interrupted, nullptr, kicked, elapsed, 0};
}

}  // namespace

TEST_CASE("a run goes on after an exit a device handled", "[run_decision]") {
    const auto o = outcome(ExitAction::resume);
    CHECK(decide_run(exited(o), RunLimits{}).keep_running());
}

TEST_CASE("HLT ends the run as halted", "[run_decision]") {
    const auto o = outcome(ExitAction::halt, HltExit{});
    const auto d = decide_run(exited(o), RunLimits{});
    REQUIRE(d.stop == RunStop::halted);
    CHECK(d.why == "the guest executed HLT");
}

TEST_CASE("a checkpoint pauses the run with the guest's number", "[run_decision]") {
    auto o = outcome(ExitAction::pause);
    o.checkpoint = 7;
    const auto d = decide_run(exited(o), RunLimits{});
    REQUIRE(d.stop == RunStop::paused);
    CHECK(d.checkpoint == 7);
    CHECK(d.why == "the guest reported checkpoint 7");
}

TEST_CASE("an exit the guest cannot go on from stops it, and a debug exit is told apart", "[run_decision]") {
    const auto shutdown = outcome(ExitAction::stop, ShutdownExit{});
    const auto failed = decide_run(exited(shutdown), RunLimits{});
    REQUIRE(failed.stop == RunStop::stopped);
    CHECK(failed.why == "what happened");

    const auto debug = outcome(ExitAction::stop, DebugExit{1, 0x1000, 0, 0});
    CHECK(decide_run(exited(debug), RunLimits{}).stop == RunStop::debug);
}

TEST_CASE("too many exits stop a guest that floods a device", "[run_decision]") {
    RunLimits limits;
    limits.max_exits = 10;
    const auto o = outcome(ExitAction::resume);
    CHECK(decide_run(exited(o, 9), limits).keep_running());
    const auto d = decide_run(exited(o, 10), limits);
    REQUIRE(d.stop == RunStop::exit_limit);
    CHECK(d.why == "the guest caused 10 exits without finishing; strata stopped it");
}

TEST_CASE("the guest's own end wins over the exit limit", "[run_decision]") {
    RunLimits limits;
    limits.max_exits = 1;
    const auto o = outcome(ExitAction::halt, HltExit{});
    CHECK(decide_run(exited(o, 1), limits).stop == RunStop::halted);
}

TEST_CASE("a kick cancels before entry and when KVM_RUN is interrupted", "[run_decision]") {
    CHECK(decide_run(LoopFacts{LoopPoint::before_entry, nullptr, true, 0ms, 0}, RunLimits{}).stop ==
          RunStop::cancelled);
    CHECK(decide_run(LoopFacts{LoopPoint::before_entry, nullptr, false, 0ms, 0}, RunLimits{}).keep_running());
    // Cancel wins even when the watchdog is due too.
    CHECK(decide_run(interrupted(5s, true), RunLimits{}).stop == RunStop::cancelled);
}

TEST_CASE("the watchdog stops a run past its timeout, and a stray signal before it does not", "[run_decision]") {
    RunLimits limits;
    limits.timeout = 100ms;
    CHECK(decide_run(interrupted(99ms), limits).keep_running());
    const auto d = decide_run(interrupted(100ms), limits);
    REQUIRE(d.stop == RunStop::watchdog);
    CHECK(d.why == "the guest ran for 100 ms without finishing; strata's watchdog stopped it");
}

TEST_CASE("pause_after pauses wherever the guest is, only when shorter than the timeout", "[run_decision]") {
    RunLimits limits;
    limits.timeout = 100ms;
    limits.pause_after = 30ms;
    CHECK(decide_run(interrupted(29ms), limits).keep_running());
    const auto d = decide_run(interrupted(30ms), limits);
    REQUIRE(d.stop == RunStop::paused);
    CHECK(d.checkpoint == 0);
    CHECK(d.why == "strata paused the guest after 30 ms, wherever it was");

    limits.pause_after = 200ms;  // longer than the run: the watchdog decides
    CHECK(decide_run(interrupted(100ms), limits).stop == RunStop::watchdog);
}

TEST_CASE("an interruption does not count as an exit", "[run_decision]") {
    RunLimits limits;
    limits.max_exits = 1;
    CHECK(decide_run(LoopFacts{LoopPoint::interrupted, nullptr, false, 1ms, 5}, limits).keep_running());
}
