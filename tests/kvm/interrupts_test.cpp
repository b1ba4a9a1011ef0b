// vm/interrupts against a real /dev/kvm: the in-kernel PIT's ticks reach
// the guest's handler without a single exit to the VMM, and without an
// irqchip every interrupt the guest counts is one strata injected, the
// first through the interrupt window.
#include <catch2/catch.hpp>

#include <algorithm>

#include "backends/probe/machine_report.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;
using engine::EventKind;

namespace {

const engine::Lesson& lesson() {
    const auto* l = lessons::catalogue().find("vm/interrupts");
    REQUIRE(l != nullptr);
    return *l;
}

std::string fact(const engine::Snapshot& snap, const std::string& key) {
    for (const auto& [k, v] : snap.facts.values)
        if (k == key) return v;
    return "<missing " + key + ">";
}

std::vector<std::string> names(const engine::Snapshot& snap, int step, EventKind kind) {
    std::vector<std::string> out;
    for (const auto* e : snap.events_of_step(step))
        if (e->kind == kind) out.push_back(e->name);
    return out;
}

}  // namespace

TEST_CASE("vm/interrupts: PIT ticks counted in the guest, then interrupts injected by the VMM", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        engine::Session session(lesson());
        auto result = session.run_to_end();
        if (!result) FAIL(result.error().describe() + " — " + result.error().hint);
        const auto snap = session.snapshot();

        SECTION("with the in-kernel irqchip the guest counts ticks and the VMM sees one exit") {
            if (fact(snap, "KVM_CAP_IRQCHIP") != "present" || fact(snap, "KVM_CAP_PIT2") != "present") {
                CHECK(snap.steps[1].summary.rfind("skipped: KVM_CAP_", 0) == 0);
                return;
            }
            const auto ioctls = names(snap, 0, EventKind::ioctl);
            CHECK(std::find(ioctls.begin(), ioctls.end(), "ioctl(KVM_CREATE_IRQCHIP)") != ioctls.end());
            CHECK(std::find(ioctls.begin(), ioctls.end(), "ioctl(KVM_CREATE_PIT2)") != ioctls.end());
            CHECK(std::find(ioctls.begin(), ioctls.end(), "ioctl(KVM_SET_LAPIC)") != ioctls.end());
            CHECK(fact(snap, "timer: exits to the VMM") == "1");
            const int ticks = std::stoi(fact(snap, "ticks counted by the guest"));
            CHECK(ticks >= 100);
            CHECK(ticks < 200);  // the guest stops counting right after 100
            // A very loose bound: 100 ticks of a 1000 Hz timer take 0.1 s on
            // real hardware; emulated timers drift, but not by 50x.
            const double ms = std::stod(fact(snap, "elapsed (VMM's clock)"));
            CHECK(ms > 50);
            CHECK(ms < 5000);
        }
        SECTION("without an irqchip, every interrupt is one KVM_INTERRUPT, the first after the window was asked for") {
            CHECK(fact(snap, "interrupts injected (KVM_INTERRUPT)") == "20");
            CHECK(fact(snap, "interrupts the guest's handler counted") == "20");
            CHECK(std::stoi(fact(snap, "times the guest could not take one (window requested)")) >= 1);
            const auto ioctls = names(snap, 3, EventKind::ioctl);
            CHECK(std::count(ioctls.begin(), ioctls.end(), "ioctl(KVM_INTERRUPT)") == 20);
            // Nothing is injected at the first exit: the guest still has interrupts off.
            const auto events = snap.events_of_step(3);
            const auto first_exit = std::find_if(events.begin(), events.end(),
                                                 [](const auto* e) { return e->kind == EventKind::vm_exit; });
            REQUIRE(first_exit != events.end());
            const auto next_entry = std::find_if(first_exit, events.end(),
                                                 [](const auto* e) { return e->kind == EventKind::vm_entry; });
            CHECK(std::none_of(first_exit, next_entry, [](const auto* e) { return e->name == "ioctl(KVM_INTERRUPT)"; }));
            // Hardware-assisted KVM exits once the window opens, before the first
            // injection; a PVM host drops the request (the lesson says so).
            probe::MachineReport machine;
            probe::probe_kvm(machine, "/dev/kvm");
            CAPTURE(probe::kvm_kind_key(machine.facts.kvm_kind));
            if (machine.facts.kvm_kind == probe::KvmKind::software_nested) {
                CHECK(fact(snap, "KVM_EXIT_IRQ_WINDOW_OPEN exits") == "0");
                CHECK(snap.steps[3].summary.find("never exited with IRQ_WINDOW_OPEN") != std::string::npos);
            } else {
                CHECK(fact(snap, "KVM_EXIT_IRQ_WINDOW_OPEN exits") == "1");
                bool window_seen = false, injected_before_window = false;
                for (const auto* e : events) {
                    if (e->name == "exit: IRQ_WINDOW_OPEN") window_seen = true;
                    if (e->name == "ioctl(KVM_INTERRUPT)" && !window_seen) injected_before_window = true;
                }
                CHECK(window_seen);
                CHECK_FALSE(injected_before_window);
            }
        }
        SECTION("every step touched exactly the layers it declares") {
            for (int step = 0; step < static_cast<int>(lesson().steps.size()); ++step) {
                CAPTURE(lesson().steps[static_cast<std::size_t>(step)].id);
                const auto check = snap.check_layers(step);
                CHECK(check.missing.empty());
                CHECK(check.unexpected.empty());
            }
        }
    }
    CHECK_NO_LEAKS(before);
}
