// vm/devices-are-exits against a real /dev/kvm: every device access is the
// exit it should be, the results the guest saw are what strata answered,
// and the paravirtual console needs one exit where the UART needed dozens.
#include <catch2/catch.hpp>

#include <algorithm>

#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;
using engine::EventKind;

namespace {

const engine::Lesson& lesson() {
    const auto* l = lessons::catalogue().find("vm/devices-are-exits");
    REQUIRE(l != nullptr);
    return *l;
}

std::size_t count_events(const engine::Snapshot& snap, int step, EventKind kind, const std::string& prefix) {
    std::size_t n = 0;
    for (const auto* e : snap.events_of_step(step))
        if (e->kind == kind && e->name.rfind(prefix, 0) == 0) ++n;
    return n;
}

std::string fact(const engine::Snapshot& snap, const std::string& key) {
    for (const auto& [k, v] : snap.facts.values)
        if (k == key) return v;
    return {};
}

}  // namespace

TEST_CASE("vm/devices-are-exits: UART, MMIO, read-only slot and PV console are real exits", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        engine::Session session(lesson());
        auto result = session.run_to_end();
        if (!result) FAIL(result.error().describe() + " — " + result.error().hint);
        const auto snap = session.snapshot();
        const std::string line = "Hello through a 16550 UART!\n";

        SECTION("the line arrived twice: through the UART and through the ring") {
            CHECK(snap.console == line + line);
        }
        SECTION("the UART cost an LSR poll and a THR write per byte") {
            const int uart = 1;
            CHECK(count_events(snap, uart, EventKind::vm_exit, "exit: IO out port 0x3f8") == line.size() + 1);  // + DLL
            CHECK(count_events(snap, uart, EventKind::vm_exit, "exit: IO in port 0x3fd") >= line.size());
            CHECK(count_events(snap, uart, EventKind::guest_output, "UART output") == line.size());
            CHECK(fact(snap, "UART: exits IO out") == std::to_string(line.size() + 7 + 1));  // + set-up + checkpoint
        }
        SECTION("the MMIO page's accesses were exits answered by strata") {
            const int mmio = 2;
            CHECK(count_events(snap, mmio, EventKind::vm_exit, "exit: MMIO read 0xa0000 (4 bytes)") == 1);
            CHECK(count_events(snap, mmio, EventKind::vm_exit, "exit: MMIO write 0xa0008 (4 bytes)") == 1);
            CHECK(count_events(snap, mmio, EventKind::vm_exit, "exit: MMIO read 0xa0008 (4 bytes)") == 1);
            CHECK(snap.steps[2].summary.find("\"STRA\"") != std::string::npos);
        }
        SECTION("the read-only slot: reads without exits, the write an MMIO exit") {
            const int rom = 3;
            if (fact(snap, "KVM_CAP_READONLY_MEM") == "present") {
                CHECK(count_events(snap, rom, EventKind::vm_exit, "exit: MMIO") == 1);
                CHECK(count_events(snap, rom, EventKind::vm_exit, "exit: MMIO write 0xf0000 (4 bytes)") == 1);
                CHECK(fact(snap, "read-only slot: guest read after its write") == "\"STRA\"");
            } else {
                CHECK(snap.steps[3].summary.rfind("skipped: KVM_CAP_READONLY_MEM", 0) == 0);
            }
        }
        SECTION("the timed exits were 200 OUTs plus the checkpoint, with a measured cost") {
            CHECK(count_events(snap, 4, EventKind::vm_exit, "exit: IO out port 0x503") == 200);
            CHECK(fact(snap, "timed exits: exits to the VMM") == "201");
            CHECK(fact(snap, "one exit: median KVM_RUN round trip").find("µs") != std::string::npos);
            CHECK(fact(snap, "one exit: median KVM_RUN round trip") != "0.0 µs");
        }
        SECTION("the paravirtual console took the whole line in one doorbell exit") {
            const int pv = 5;
            CHECK(count_events(snap, pv, EventKind::vm_exit, "exit: IO out port 0x502") == 1);
            CHECK(count_events(snap, pv, EventKind::guest_output, "PV console output") == 1);
            CHECK(count_events(snap, pv, EventKind::vm_exit, "exit: HLT") == 1);
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
