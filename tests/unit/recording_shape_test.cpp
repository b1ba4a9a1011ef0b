// The recording comparison (tests/support/recording_shape.hpp) on made-up
// runs: it forgives what a Leeway says may differ, and still fails on
// every change to what strata or the guest did.
#include <catch2/catch.hpp>

#include "tests/support/recording_shape.hpp"

using namespace strata;
using engine::EventKind;
using engine::LayerId;

namespace {

engine::TraceEvent ev(EventKind kind, std::string name, int step = 0, std::string pid = {}) {
    engine::TraceEvent e;
    e.kind = kind;
    e.name = std::move(name);
    e.step = step;
    e.layers = {LayerId::vmm, LayerId::kvm};
    if (!pid.empty()) e.args.push_back({"pid", pid});
    return e;
}

bool same(const std::vector<engine::TraceEvent>& a, const std::vector<engine::TraceEvent>& b, const tests::Leeway& leeway) {
    const auto difference = tests::first_difference(tests::recording_shape(a, leeway), tests::recording_shape(b, leeway));
    INFO(difference);
    return difference.empty();
}

const auto run = ev(EventKind::vm_entry, "ioctl(KVM_RUN)");
const auto uart = ev(EventKind::vm_exit, "exit: IO out port 0x3f8");
const auto mark = ev(EventKind::vm_exit, "exit: IO out port 0x501");
const auto regs = ev(EventKind::ioctl, "ioctl(KVM_GET_REGS)");
const auto dirty_log = ev(EventKind::ioctl, "ioctl(KVM_GET_DIRTY_LOG)");

tests::Leeway free_running() {
    tests::Leeway leeway;
    leeway.collapse_repeats = true;
    leeway.guest_runs_freely = true;
    return leeway;
}

}  // namespace

TEST_CASE("A guest that runs freely may print more or less between strata's calls, nothing else", "[unit][recording]") {
    const auto leeway = free_running();
    const std::vector<engine::TraceEvent> recorded = {run, uart, run, uart, run, mark, regs, dirty_log, run, mark, regs};
    SECTION("more lines printed before the mark: the same") {
        CHECK(same({run, uart, run, uart, run, uart, run, uart, run, mark, regs, dirty_log, run, mark, regs}, recorded, leeway));
    }
    SECTION("a call of strata's missing: different") {
        CHECK_FALSE(same({run, uart, run, mark, regs, run, mark, regs}, recorded, leeway));
    }
    SECTION("one of strata's calls made twice: different") {
        CHECK_FALSE(same({run, uart, run, uart, run, mark, regs, regs, dirty_log, run, mark, regs}, recorded, leeway));
    }
    SECTION("strata's calls in another order: different") {
        CHECK_FALSE(same({run, uart, run, mark, dirty_log, regs, run, mark, regs}, recorded, leeway));
    }
    SECTION("a kind of exit the recording never had: different") {
        CHECK_FALSE(same({run, uart, run, ev(EventKind::vm_exit, "exit: HLT"), run, mark, regs, dirty_log, run, mark, regs},
                         recorded, leeway));
    }
    SECTION("the guest ran where it did not: different") {
        CHECK_FALSE(same({run, uart, run, mark, regs, run, dirty_log, run, mark, regs}, recorded, leeway));
    }
    SECTION("a call that failed where it succeeded: different") {
        auto failed = dirty_log;
        failed.error = ENOENT;
        CHECK_FALSE(same({run, uart, run, uart, run, mark, regs, failed, run, mark, regs}, recorded, leeway));
    }
    SECTION("a call crossing other layers: different") {
        auto elsewhere = dirty_log;
        elsewhere.layers = {LayerId::vmm, LayerId::kvm, LayerId::ram};
        CHECK_FALSE(same({run, uart, run, uart, run, mark, regs, elsewhere, run, mark, regs}, recorded, leeway));
    }
}

TEST_CASE("A guest's programs may interleave differently, but each keeps its own order", "[unit][recording]") {
    const auto leeway = free_running();
    const auto a_write = ev(EventKind::guest_event, "guest syscall: write", 0, "1");
    const auto a_exit = ev(EventKind::guest_event, "guest syscall: exit", 0, "1");
    const auto b_write = ev(EventKind::guest_event, "guest syscall: write", 0, "2");
    const auto b_fault = ev(EventKind::guest_event, "guest page fault", 0, "2");
    auto switch_to = [](const char* from, const char* to) {
        auto e = ev(EventKind::guest_event, "guest context switch", 0, to);
        e.args.push_back({"from pid", from});
        return e;
    };
    const std::vector<engine::TraceEvent> recorded = {run, a_write, switch_to("1", "2"), b_write, b_fault,
                                                      switch_to("2", "1"), a_exit, mark, regs};
    SECTION("another interleaving, with more switches: the same") {
        CHECK(same({run, b_write, switch_to("2", "1"), a_write, switch_to("1", "2"), b_fault, switch_to("2", "1"), a_exit,
                    mark, regs},
                   recorded, leeway));
    }
    SECTION("one program's events in another order: different") {
        CHECK_FALSE(same({run, a_write, switch_to("1", "2"), b_fault, b_write, switch_to("2", "1"), a_exit, mark, regs},
                         recorded, leeway));
    }
    SECTION("a program's event missing: different") {
        CHECK_FALSE(same({run, a_write, switch_to("1", "2"), b_write, switch_to("2", "1"), a_exit, mark, regs}, recorded,
                         leeway));
    }
    SECTION("a program's next line printed before strata's call instead of after it: the same") {
        // Two programs that print and sleep, as vm/snapshot's ticker does beside its writer.
        auto at = [](engine::TraceEvent e, int step) {
            e.step = step;
            return e;
        };
        const auto a_sleep = ev(EventKind::guest_event, "guest syscall: sleep", 0, "1");
        const auto b_sleep = ev(EventKind::guest_event, "guest syscall: sleep", 0, "2");
        const std::vector<engine::TraceEvent> before = {run, a_write, a_sleep, b_write, b_sleep, mark, regs,
                                                        at(run, 1), at(a_write, 1), at(a_sleep, 1), at(b_write, 1),
                                                        at(b_sleep, 1), at(a_exit, 1), at(mark, 1)};
        const std::vector<engine::TraceEvent> after = {run, a_write, a_sleep, a_write, a_sleep, b_write, b_sleep, mark,
                                                       regs, at(run, 1), at(b_write, 1), at(b_sleep, 1), at(a_exit, 1),
                                                       at(mark, 1)};
        CHECK(same(after, before, leeway));
    }
    SECTION("a program's event after strata's call instead of before it: different") {
        CHECK_FALSE(same({run, a_write, switch_to("1", "2"), b_write, b_fault, switch_to("2", "1"), mark, regs, run, a_exit},
                         recorded, leeway));
    }
}

TEST_CASE("A guest that does not run freely is compared event by event, repeats folded", "[unit][recording]") {
    tests::Leeway leeway;
    leeway.collapse_repeats = true;
    const auto tick = ev(EventKind::vm_exit, "exit: IO out port 0x40");
    const auto hlt = ev(EventKind::vm_exit, "exit: HLT");
    const std::vector<engine::TraceEvent> recorded = {regs, tick, tick, uart, hlt, dirty_log};
    SECTION("more ticks in a row: the same") { CHECK(same({regs, tick, tick, tick, tick, uart, hlt, dirty_log}, recorded, leeway)); }
    SECTION("the guest's exits in another order: different") {
        CHECK_FALSE(same({regs, tick, hlt, uart, dirty_log}, recorded, leeway));
    }
    SECTION("strata's call made twice in a row: different") {
        CHECK_FALSE(same({regs, regs, tick, uart, hlt, dirty_log}, recorded, leeway));
    }
    SECTION("with no leeway, one more tick: different") {
        CHECK_FALSE(same({regs, tick, tick, tick, uart, hlt, dirty_log}, recorded, tests::Leeway{}));
    }
}

TEST_CASE("A name normalisation applies to both sides and to nothing else", "[unit][recording]") {
    tests::Leeway leeway;
    leeway.normalize_name = [](const std::string& name) {
        return name.starts_with("write /proc/") ? std::string("write /proc/<pid>/uid_map") : name;
    };
    const auto syscall = [](std::string name) {
        auto e = ev(EventKind::syscall, std::move(name));
        e.layers = {LayerId::runtime, LayerId::namespaces};
        return e;
    };
    CHECK(same({syscall("write /proc/123/uid_map")}, {syscall("write /proc/456/uid_map")}, leeway));
    CHECK_FALSE(same({syscall("sethostname(\"a\")")}, {syscall("sethostname(\"b\")")}, leeway));
}
