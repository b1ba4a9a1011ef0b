// KVM's own exit counters (KVM_GET_STATS_FD) against a real /dev/kvm: a
// guest that halts with an in-kernel irqchip makes HLT VM exits KVM keeps
// to itself, one without an irqchip makes a HLT exit KVM returns to the
// VMM, and the run records what it counted. Where this KVM keeps no
// statistics (Linux before 5.14, some nested hypervisors), the lessons say
// so: checked here too, so the test means something on every machine.
#include <catch2/catch.hpp>

#include <string>

#include "engine/session.hpp"
#include "tests/kvm/lesson_lookup.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;
using engine::EventKind;

namespace {

std::string fact(const engine::Snapshot& snap, const std::string& key) { return tests::fact_of(snap, key); }

// Runs a whole lesson; a failed step fails the test with its reason.
engine::Snapshot run_lesson(const char* id) {
    engine::Session session(tests::catalogue_lesson(id));
    auto result = session.run_to_end();
    if (!result) FAIL(result.error().describe() + " — " + result.error().hint);
    return session.snapshot();
}

std::uint64_t number(const engine::Snapshot& snap, const std::string& key) {
    const std::string value = fact(snap, key);
    CAPTURE(key, value);
    REQUIRE(!value.empty());
    REQUIRE(std::isdigit(static_cast<unsigned char>(value[0])));
    return std::stoull(value);
}

std::vector<const engine::TraceEvent*> of_kind(const engine::Snapshot& snap, int step, EventKind kind) {
    std::vector<const engine::TraceEvent*> out;
    for (const auto* e : snap.events_of_step(step))
        if (e->kind == kind) out.push_back(e);
    return out;
}

std::string arg(const engine::TraceEvent& e, const std::string& name) {
    for (const auto& a : e.args)
        if (a.name == name) return a.value;
    return "";
}

bool stats_here(const engine::Snapshot& snap, const std::string& label) {
    return fact(snap, label + "KVM's exit counters").rfind("not available", 0) != 0;
}

}  // namespace

TEST_CASE("With an in-kernel irqchip, each HLT is a VM exit KVM keeps and KVM_RUN returns once", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        const auto snap = run_lesson("vm/interrupts");
        if (fact(snap, "KVM_CAP_IRQCHIP") != "present" || fact(snap, "KVM_CAP_PIT2") != "present") {
            WARN("no in-kernel irqchip here: the lesson skipped the timer");
            return;
        }
        const int timer = tests::step_of(tests::catalogue_lesson("vm/interrupts"), "timer-ticks");
        CHECK(fact(snap, "timer: exits to the VMM") == "1");
        const auto kept = of_kind(snap, timer, EventKind::exits_in_kvm);
        if (!stats_here(snap, "timer: ")) {
            CHECK(kept.empty());
            CHECK(fact(snap, "timer: VM exits (KVM's count)") == "not counted on this machine");
            CHECK(snap.steps[timer].summary.find("KVM keeps no exit counters here") != std::string::npos);
            return;
        }
        // The guest counts the HLTs it executes while it waits for its
        // ticks (fewer than the ticks where they come in bursts, as under
        // QEMU's emulation): KVM counted each as a VM exit, and none of
        // them reached strata.
        const std::uint64_t ticks = number(snap, "ticks counted by the guest");
        const std::uint64_t executed = number(snap, "HLTs the guest executed");
        const std::uint64_t halts = number(snap, "timer: KVM's halt_exits");
        CHECK(executed >= 1);
        CHECK(executed <= ticks + 1);
        CHECK(halts == executed);
        const std::uint64_t all = number(snap, "timer: VM exits (KVM's count)");
        CHECK(all >= halts + 1);  // the HLTs, and the checkpoint's OUT that did return
        CHECK(number(snap, "timer: VM exits KVM handled itself") == all - 1);
        // One event for the run, whose path stops at the KVM module.
        REQUIRE(kept.size() == 1);
        CHECK(kept[0]->layers == std::vector{engine::LayerId::cpu_virt, engine::LayerId::kvm});
        CHECK(arg(*kept[0], "exits to the VMM") == "1");
        CHECK(arg(*kept[0], "halt_exits") == std::to_string(halts));
        CHECK(kept[0]->result == static_cast<std::int64_t>(all - 1));
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("Without an irqchip, the HLT is a VM exit KVM returns to the VMM", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        const auto snap = run_lesson("vm/hello-kvm");
        const int run = static_cast<int>(snap.steps.size()) - 1;
        const std::uint64_t returns = number(snap, "exits to the VMM");
        CHECK(returns == of_kind(snap, run, EventKind::vm_exit).size());
        CHECK(returns == 23);  // 22 bytes and the HLT
        if (!stats_here(snap, "")) {
            CHECK(fact(snap, "VM exits (KVM's count)") == "not counted on this machine");
            return;
        }
        // KVM saw every exit strata handled, and counted the HLT.
        CHECK(number(snap, "VM exits (KVM's count)") >= returns);
        CHECK(number(snap, "KVM's halt_exits") == 1);
        const auto kept = of_kind(snap, run, EventKind::exits_in_kvm);
        REQUIRE(kept.size() == 1);
        CHECK(kept[0]->sequence > of_kind(snap, run, EventKind::vm_exit).back()->sequence);  // after the last exit
        // The statistics fd was opened with the vCPU, and recorded.
        bool stats_fd = false;
        for (const auto& e : snap.events)
            if (e.name == "ioctl(KVM_GET_STATS_FD)" && !e.failed()) stats_fd = true;
        CHECK(stats_fd);
    }
    CHECK_NO_LEAKS(before);
}
