// vm/tiny-os against a real /dev/kvm: tinyos (built from source with the
// rest of strata) boots, runs its user programs, reports its own events
// through the guest trace, survives the programs that misbehave, and
// answers uname for itself; a kernel that breaks is caught by the VMM.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include <sys/utsname.h>

#include "backends/kvm/guest_trace.hpp"
#include "backends/probe/machine_report.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/kvm/lesson_lookup.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;
using engine::EventKind;

namespace {

const engine::Lesson& lesson() { return tests::catalogue_lesson("vm/tiny-os"); }
int step_index(const std::string& id) { return tests::step_of(lesson(), id); }
std::string fact(const engine::Snapshot& snap, const std::string& key) { return tests::fact_of(snap, key); }

std::size_t count_named(const engine::Snapshot& snap, int step, EventKind kind, const std::string& name) {
    std::size_t n = 0;
    for (const auto* e : snap.events_of_step(step)) n += e->kind == kind && e->name == name;
    return n;
}

bool has_arg(const engine::TraceEvent& e, const std::string& name, const std::string& value) {
    return std::any_of(e.args.begin(), e.args.end(), [&](const auto& a) { return a.name == name && a.value == value; });
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("vm/tiny-os: tinyos boots, runs its programs and outlives the ones that misbehave", "[kvm]") {
    const auto before = tests::HostState::capture();
    // One boot for all the checks below (SECTIONs would boot it once each).
    {
        engine::Session session(lesson(), *lesson().resolve_options({}));
        auto result = session.run_to_end();
        const auto snap = session.snapshot();
        INFO(snap.console);
        if (!result) FAIL(result.error().describe() + " — " + result.error().hint);

        {  // the console shows the kernel booting and each program's own output
            CHECK(snap.console.find("tinyos 0.1 booting\n") != std::string::npos);
            CHECK(snap.console.find("hello: I am pid 1\n") != std::string::npos);
            CHECK(snap.console.find("hello: bye\n") != std::string::npos);
            CHECK(snap.console.find("counter: 3\n") != std::string::npos);
            CHECK(snap.console.find("pager: 8 fresh pages, sum 36\n") != std::string::npos);
            CHECK(snap.console.find("echo\n") != std::string::npos);
        }
        {  // each misbehaving program is killed by the guest kernel, which goes on running the rest
            CHECK(snap.console.find("(divide): divide error") != std::string::npos);
            CHECK(snap.console.find("(snoop): page protection fault") != std::string::npos);
            CHECK(snap.console.find("(spin): used its whole CPU budget") != std::string::npos);
            CHECK(occurrences(snap.console, "tinyos: killed pid") == 3);
            // What the killed programs would have printed after the fault never appears.
            CHECK(snap.console.find("divide: got") == std::string::npos);
            CHECK(snap.console.find("snoop: got") == std::string::npos);
            CHECK(count_named(snap, step_index("programs"), EventKind::guest_event, "guest process killed") == 3);
            // Later phases still ran: the kernel survived.
            for (const char* id : {"syscall", "page-fault", "uname"})
                CHECK(snap.steps[static_cast<std::size_t>(step_index(id))].status == engine::StepStatus::done);
        }
        {  // the guest trace carries the programs' syscalls, page faults and context switches
            const int programs = step_index("programs");
            for (const char* call : {"write", "getpid", "yield", "sleep", "exit"}) {
                CAPTURE(call);
                CHECK(count_named(snap, programs, EventKind::guest_event, std::string("guest syscall: ") + call) >= 1);
            }
            CHECK(count_named(snap, programs, EventKind::guest_event, "guest page fault") >= 8);  // pager's 8 heap pages
            CHECK(count_named(snap, programs, EventKind::guest_event, "guest context switch") >= 2);
            CHECK(std::stoi(fact(snap, "guest syscalls")) >= 10);
            // Batched: far fewer doorbell exits than guest events.
            const auto events = snap.events_of_step(programs);
            const auto guest_events = std::count_if(events.begin(), events.end(),
                                                    [](const auto* e) { return e->kind == EventKind::guest_event; });
            const auto doorbells = std::count_if(events.begin(), events.end(), [](const auto* e) {
                return e->kind == EventKind::vm_exit && has_arg(*e, "device", "guest trace doorbell");
            });
            CHECK(doorbells >= 1);
            CHECK(doorbells * 4 < guest_events);
            for (const auto* e : events)
                if (e->kind == EventKind::guest_event) CHECK(e->touches(engine::LayerId::guest_kernel));
        }
        {  // every syscall entered the same way: at LSTAR in ring 0 where the CPU does it (hardware-assisted
           // KVM), or finished by tinyos's page-fault handler where `syscall` stays in ring 3 (PVM)
            const int via_fault = std::stoi(fact(snap, "syscalls tinyos finished itself (syscall stayed in ring 3)"));
            const int total = std::stoi(fact(snap, "guest syscalls"));
            probe::MachineReport machine;
            probe::probe_kvm(machine, "/dev/kvm");
            CAPTURE(probe::kvm_kind_key(machine.facts.kvm_kind), via_fault, total);
            if (machine.facts.kvm_kind == probe::KvmKind::software_nested) CHECK(via_fault == total);
            else if (machine.facts.kvm_kind == probe::KvmKind::hardware) CHECK(via_fault == 0);
            else CHECK((via_fault == 0 || via_fault == total));
        }
        {  // a followed syscall: the guest's write comes before the UART exits it causes
            const int step = step_index("syscall");
            std::ptrdiff_t write_at = -1, first_uart_at = -1, i = 0;
            for (const auto* e : snap.events_of_step(step)) {
                if (e->name == "guest syscall: write" && write_at < 0) write_at = i;
                if (e->kind == EventKind::vm_exit && has_arg(*e, "port", "0x3f8") && first_uart_at < 0) first_uart_at = i;
                ++i;
            }
            CHECK(write_at >= 0);
            CHECK(first_uart_at > write_at);
            CHECK(fact(snap, "bytes the guest wrote") == "5");
            CHECK(fact(snap, "UART exits for them") == "10");  // LSR poll + THR write per byte
        }
        {  // a page fault is handled inside the guest: no exit but the doorbell and the checkpoint
            CHECK(std::stoi(fact(snap, "page faults inside the guest")) >= 1);
            CHECK(fact(snap, "touch: exits to guest trace doorbell") == "1");
            CHECK(fact(snap, "touch: exits to checkpoint port") == "1");
            CHECK(fact(snap, "touch: exits to the VMM") == "2");
        }
        {  // uname inside the guest is tinyos's own answer, not the host's
            utsname host{};
            REQUIRE(::uname(&host) == 0);
            const auto guest = fact(snap, "guest uname");
            CHECK(guest.rfind("tinyos 0.1 ", 0) == 0);
            CHECK(guest.find(host.release) == std::string::npos);
            CHECK(fact(snap, "host uname").rfind(std::string(host.sysname) + " " + host.release, 0) == 0);
        }
        {  // boot is measured and every step touched exactly the layers it declares
            CHECK(fact(snap, "boot: first KVM_RUN to the first user instruction").find(" ms") != std::string::npos);
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

TEST_CASE("vm/tiny-os: a broken guest kernel is caught and reported by the VMM", "[kvm]") {
    const auto [option, expected] = GENERATE(table<std::string, std::string>({
        {"triple-fault", "stopped"},  // KVM_EXIT_SHUTDOWN
        {"hang", "watchdog"},         // a kernel loop with interrupts off never exits
    }));
    CAPTURE(option);
    const auto before = tests::HostState::capture();
    {
        engine::Session session(lesson(), *lesson().resolve_options({{"fault", option}}));
        auto result = session.run_to_end();
        REQUIRE_FALSE(result);
        const auto snap = session.snapshot();
        const auto& setup = snap.steps[static_cast<std::size_t>(step_index("setup"))];
        CHECK(setup.status == engine::StepStatus::failed);
        REQUIRE(setup.error);
        CHECK(setup.error->describe().find("strata's VMM caught it: " + expected) != std::string::npos);
        // It had booted far enough to print before it broke.
        CHECK(snap.console.find("tinyos 0.1 booting") != std::string::npos);
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("The guest trace takes what the guest wrote only after checking it", "[kvm][unit]") {
    using kvm::GuestEventKind;
    using kvm::GuestTrace;
    engine::Recorder recorder;
    auto memory = kvm::GuestMemory::allocate(recorder, 0, 0x2000);
    REQUIRE(memory);
    constexpr std::uint64_t ring = 0x1000;
    auto put32 = [&](std::uint64_t at, std::uint32_t v) {
        REQUIRE(memory->write(ring + at, {reinterpret_cast<const std::uint8_t*>(&v), 4}));
    };
    auto put_record = [&](std::uint32_t index, std::uint8_t kind, std::uint8_t pid, std::uint32_t a, std::uint64_t b) {
        std::uint8_t r[16] = {kind, pid};
        std::memcpy(r + 4, &a, 4);
        std::memcpy(r + 8, &b, 8);
        REQUIRE(memory->write(ring + GuestTrace::kRecordsOffset + (index % GuestTrace::kCapacity) * 16, r));
    };
    auto consumed = [&] {
        std::uint32_t v;
        std::memcpy(&v, memory->bytes(ring + 8, 4)->data(), 4);
        return v;
    };
    GuestTrace trace(*memory, ring, &recorder);

    // No magic number yet: nothing is read.
    put32(4, 1);
    trace.drain();
    CHECK(trace.records().empty());
    CHECK(trace.malformed() == 1);

    // Two good records and one of a kind tinyos never sends.
    put32(0, GuestTrace::kMagic);
    put_record(0, 2, 3, 0, 0x400100);  // pid 3: syscall write
    put_record(1, 9, 3, 0, 0);         // unknown kind
    put_record(2, 3, 3, 6, 0x1000000); // pid 3: page fault
    put32(4, 3);
    trace.drain();
    REQUIRE(trace.records().size() == 2);
    CHECK(trace.syscalls(0) == 1);
    CHECK(trace.count(GuestEventKind::page_fault) == 1);
    CHECK(trace.malformed() == 2);
    CHECK(consumed() == 3);
    const auto events = recorder.events();
    REQUIRE(events.size() >= 2);
    CHECK(events[events.size() - 2].name == "guest syscall: write");
    CHECK(events.back().touches(engine::LayerId::guest_kernel));

    // A producer index far beyond the ring: refused, and strata resynchronises.
    put32(4, 3 + 10 * GuestTrace::kCapacity);
    trace.drain();
    CHECK(trace.records().size() == 2);
    CHECK(trace.malformed() == 3);
    CHECK(consumed() == 3 + 10 * GuestTrace::kCapacity);
    CHECK(trace.last_problem().find("resynchronised") != std::string::npos);

    // A syscall tinyos had to finish itself (`syscall` left in ring 3) keeps its number.
    const std::uint32_t next = 3 + 10 * GuestTrace::kCapacity;
    put_record(next, 2, 4, 2 | kvm::kSyscallViaFault, 0x7fff00);  // pid 4: uname, via the fault
    put32(4, next + 1);
    trace.drain();
    CHECK(trace.syscalls(2) == 1);
    CHECK(trace.syscalls_via_fault() == 1);
    CHECK(recorder.events().back().name == "guest syscall: uname");

    // A program's mark says which pages of the shared data it wrote; the latest is kept.
    put_record(next + 1, 8, 4, 0x11, (std::uint64_t{64} << 32) | 16);
    put32(4, next + 2);
    trace.drain();
    REQUIRE(trace.last_mark());
    CHECK(trace.last_mark()->a == 0x11);
    CHECK(kvm::mark_first_page(*trace.last_mark()) == 64);
    CHECK(kvm::mark_pages(*trace.last_mark()) == 16);
    CHECK(has_arg(recorder.events().back(), "shared data pages written", "64-79 (16 pages)"));
    CHECK(trace.consumed() == next + 2);
}
