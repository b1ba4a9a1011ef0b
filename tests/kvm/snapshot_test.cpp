// vm/snapshot and the VMM's snapshots against a real /dev/kvm: a machine
// saved mid-run goes on in a brand-new VM (in this process and another)
// exactly as the uninterrupted one does, in its output and its memory;
// the restore makes its calls in KVM's order; the dirty log shows the
// pages the guest wrote; a bad file or a state KVM refuses restores
// nothing; tinyos's faults are still caught; nothing leaks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <memory>

#include "assets/guests/images.hpp"
#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/machine_snapshot.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "lessons/vm/second_process.hpp"
#include "lessons/vm/snapshot_checks.hpp"
#include "tests/kvm/lesson_lookup.hpp"
#include "tests/support/no_leaks.hpp"
#include "tests/support/shell_run.hpp"

using namespace strata;
namespace tinyos = kvm::tinyos;

namespace {

const engine::Lesson& lesson() { return tests::catalogue_lesson("vm/snapshot"); }
int step_index(const std::string& id) { return tests::step_of(lesson(), id); }
std::string fact(const engine::Snapshot& snap, const std::string& key) { return tests::fact_of(snap, key); }

// The ioctl names of one step, in order.
std::vector<std::string> ioctls(const engine::Snapshot& snap, int step) {
    std::vector<std::string> out;
    for (const auto* e : snap.events_of_step(step))
        if (e->kind == engine::EventKind::ioctl) out.push_back(e->name);
    return out;
}

std::ptrdiff_t first_at(const std::vector<std::string>& names, const std::string& name) {
    auto it = std::find(names.begin(), names.end(), "ioctl(" + name + ")");
    return it == names.end() ? -1 : it - names.begin();
}

std::ptrdiff_t last_at(const std::vector<std::string>& names, const std::string& name) {
    auto it = std::find(names.rbegin(), names.rend(), "ioctl(" + name + ")");
    return it == names.rend() ? -1 : names.rend() - it - 1;
}

struct Booted {
    engine::Recorder recorder;
    std::string console;
    std::unique_ptr<kvm::TinyosVm> machine;
};

std::unique_ptr<Booted> boot_snapshot_workload(tinyos::Fault fault = tinyos::Fault::none) {
    auto b = std::make_unique<Booted>();
    auto k = kvm::Kvm::open(b->recorder);
    REQUIRE(k);
    auto m = kvm::TinyosVm::create(std::move(*k), tinyos::kSnapshotRamSize, [p = b.get()](std::string_view t) { p->console += t; });
    REQUIRE(m);
    b->machine = std::move(*m);
    REQUIRE(b->machine->boot(guests::tinyos(), tinyos::Workload::snapshot, fault));
    return b;
}

std::vector<std::uint8_t> shared_data(const kvm::TinyosVm& m) {
    auto bytes = m.ram().bytes(tinyos::kDataPhys, tinyos::kDataPages * tinyos::kPageSize);
    REQUIRE(bytes);
    return {bytes->begin(), bytes->end()};
}

// strata next to this test binary (also inside the suite's QEMU VM).
tests::ShellRun run_strata(const std::string& args) {
    auto program = lessons::vm::strata_program();
    REQUIRE(program);
    return tests::run_shell(*program + " " + args + " 2>&1 </dev/null");
}

}  // namespace

TEST_CASE("vm/snapshot: saved, restored twice, logged and migrated, tinyos goes on where it stopped", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        engine::Session session(lesson(), *lesson().resolve_options({}));
        auto result = session.run_to_end();
        const auto snap = session.snapshot();
        INFO(snap.console);
        if (!result) FAIL(result.error().describe() + " — " + result.error().hint);

        {  // every step touched exactly the layers it declares
            for (int step = 0; step < static_cast<int>(lesson().steps.size()); ++step) {
                CAPTURE(lesson().steps[static_cast<std::size_t>(step)].id);
                CHECK(snap.check_layers(step).ok());
            }
        }
        {  // the save finishes the pending OUT first, reads the MP state first and the pending events last
            const auto calls = ioctls(snap, step_index("save-cpu"));
            REQUIRE(calls.size() >= 12);
            CHECK(calls.front() == "ioctl(KVM_RUN)");
            const auto run = snap.events_of_step(step_index("save-cpu")).front();
            CHECK(run->error == EINTR);
            CHECK(calls[1] == "ioctl(KVM_GET_MP_STATE)");
            CHECK(calls.back() == "ioctl(KVM_GET_VCPU_EVENTS)");
            for (const char* piece : {"KVM_GET_REGS", "KVM_GET_SREGS", "KVM_GET_FPU", "KVM_GET_XCRS", "KVM_GET_LAPIC",
                                      "KVM_GET_MSR_INDEX_LIST", "KVM_GET_MSRS", "KVM_GET_DEBUGREGS", "KVM_GET_CPUID2"}) {
                CAPTURE(piece);
                CHECK(first_at(calls, piece) > 1);
            }
            CHECK((first_at(calls, "KVM_GET_XSAVE") > 0 || first_at(calls, "KVM_GET_XSAVE2") > 0));
        }
        {  // the restore sets the pieces in the order KVM needs, the VM's devices after the vCPU, the clock last
            const auto calls = ioctls(snap, step_index("restore"));
            const std::vector<std::string> order = {"KVM_CREATE_VM", "KVM_CREATE_IRQCHIP", "KVM_CREATE_PIT2",
                                                    "KVM_SET_USER_MEMORY_REGION", "KVM_CREATE_VCPU", "KVM_SET_CPUID2",
                                                    "KVM_SET_SREGS", "KVM_SET_REGS", "KVM_SET_FPU", "KVM_SET_XSAVE",
                                                    "KVM_SET_XCRS", "KVM_SET_DEBUGREGS", "KVM_SET_LAPIC", "KVM_SET_MSRS",
                                                    "KVM_SET_VCPU_EVENTS", "KVM_SET_MP_STATE", "KVM_SET_IRQCHIP",
                                                    "KVM_SET_PIT2", "KVM_SET_CLOCK"};
            for (std::size_t i = 0; i < order.size(); ++i) {
                CAPTURE(order[i]);
                REQUIRE(first_at(calls, order[i]) >= 0);
                if (i > 0) CHECK(first_at(calls, order[i]) > last_at(calls, order[i - 1]));
            }
            CHECK(std::count(calls.begin(), calls.end(), "ioctl(KVM_SET_IRQCHIP)") == 3);
            CHECK(last_at(calls, "KVM_SET_CLOCK") == static_cast<std::ptrdiff_t>(calls.size()) - 1);
            // Nothing of the guest ran during the restore.
            for (const auto* e : snap.events_of_step(step_index("restore"))) CHECK(e->kind != engine::EventKind::vm_entry);
        }
        {  // the file, and the original VM gone before the check
            CHECK(fact(snap, "guest RAM pages stored").find(" of 1536") != std::string::npos);
            bool destroyed = false;
            for (const auto* e : snap.events_of_step(step_index("check")))
                destroyed |= e->name.starts_with("VMM destroys the original VM");
            CHECK(destroyed);
        }
        {  // the continuations, in this process and in another, and the writer's pages
            CHECK(fact(snap, "writer's pages 0-63 as the program wrote them") == "64 of 64");
            CHECK(fact(snap, "its output, program by program") == "the same as this process's restored machine");
            CHECK(snap.console.find("--- strata snapshot resume, process ") != std::string::npos);
            CHECK(fact(snap, "second strata process").find("(this one is " + std::to_string(::getpid()) + ")") != std::string::npos);
            const auto before_pause = lessons::vm::lines_by_program(snap.console);
            CHECK(before_pause.at("writer").back().starts_with("writer: done, checksum "));
        }
        {  // the dirty log shows each round's pages exactly, once per round
            CHECK(fact(snap, "rounds whose dirty pages match what the program wrote") == "5 of 5");
            const auto calls = ioctls(snap, step_index("dirty-log"));
            CHECK(std::count(calls.begin(), calls.end(), "ioctl(KVM_GET_DIRTY_LOG)") == 5);
            REQUIRE(snap.facts.series.size() >= 2);
            const auto& data = snap.facts.series[0];
            REQUIRE(data.points.size() == 5);
            const std::array<double, 5> expected = {16, 16, 0, 32, 256};
            for (std::size_t i = 0; i < 5; ++i) CHECK(data.points[i].second == expected[i]);
        }
        {  // pre-copy converged, the destination's RAM equalled the source's, the hog finished there
            CHECK(fact(snap, "destination RAM after stop-and-copy") == "identical to the source's, page for page");
            CHECK(std::stoi(fact(snap, "pre-copy rounds")) >= 2);
            CHECK(std::stoi(fact(snap, "stop-and-copy: pages copied while the guest was paused")) <= 32);
            CHECK(snap.console.find("hog: done, checksum " + std::to_string(lessons::vm::expected_hog_checksum())) !=
                  std::string::npos);
        }
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("A machine saved at any moment goes on as the uninterrupted one does", "[kvm]") {
    const int pause_ms = GENERATE(25, 70, 130);
    CAPTURE(pause_ms);
    const auto before = tests::HostState::capture();
    {
        auto a = boot_snapshot_workload();
        REQUIRE(a->machine->run({std::chrono::milliseconds(5000)})->checkpoint == tinyos::ready);
        auto paused = a->machine->run_then_pause(std::chrono::milliseconds(pause_ms), {std::chrono::milliseconds(5000), 200'000});
        REQUIRE(paused);
        REQUIRE(paused->stop == kvm::RunStop::paused);
        CHECK(paused->checkpoint == 0);  // by time, wherever it was, not at a mark
        auto snap = kvm::take_snapshot(*a->machine, paused->checkpoint);
        REQUIRE(snap);
        CAPTURE(kvm::summarize(snap->state.vcpu)->mp_state, kvm::summarize(snap->state.vcpu)->regs.rip);
        const auto file = kvm::encode_snapshot(*snap);
        const std::string printed = a->console;

        // A: the uninterrupted machine, on to the end of the phase.
        auto a_end = a->machine->run_to_phase_end({std::chrono::milliseconds(10000), 400'000});
        REQUIRE(a_end);
        CHECK(a_end->checkpoint == tinyos::pause_phase_done);
        const std::string a_after = a->console.substr(printed.size());

        // B: a brand-new VM from the file's bytes.
        engine::Recorder recorder;
        std::string b_console;
        auto k = kvm::Kvm::open(recorder);
        REQUIRE(k);
        auto host = kvm::probe_host_cpu(*k);
        REQUIRE(host);
        auto valid = kvm::validate_snapshot(file, *host);
        if (!valid) FAIL(valid.error().describe());
        auto b = kvm::restore_snapshot(std::move(*k), *valid, [&](std::string_view t) { b_console += t; });
        if (!b) FAIL(b.error().describe() + " — " + b.error().hint);
        auto b_end = (*b)->run_to_phase_end({std::chrono::milliseconds(10000), 400'000});
        REQUIRE(b_end);
        CHECK(b_end->checkpoint == tinyos::pause_phase_done);

        INFO("before the pause:\n" << printed << "A after:\n" << a_after << "B after:\n" << b_console);
        auto a_ok = lessons::vm::check_pause_phase(printed, a_after);
        auto b_ok = lessons::vm::check_pause_phase(printed, b_console);
        auto same = lessons::vm::same_per_program(a_after, b_console);
        CHECK(a_ok);
        if (!b_ok) FAIL_CHECK(b_ok.error().message);
        if (!same) FAIL_CHECK(same.error().message);
        // Memory: the programs' shared data is the same in both, byte for byte.
        CHECK(shared_data(*a->machine) == shared_data(**b));
        // The trace ring went on from where strata had read it: nothing refused.
        CHECK((*b)->trace().malformed() == 0);
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("A bad snapshot file restores nothing, in this process or from the command line", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        auto a = boot_snapshot_workload();
        REQUIRE(a->machine->run({std::chrono::milliseconds(5000)}));
        REQUIRE(a->machine->run({std::chrono::milliseconds(5000)})->checkpoint == tinyos::kHalfwayMark);
        auto snap = kvm::take_snapshot(*a->machine, tinyos::kHalfwayMark);
        REQUIRE(snap);
        auto file = kvm::encode_snapshot(*snap);
        file[file.size() - 5000] ^= 0x40;  // inside guest memory
        const std::string path = (std::filesystem::temp_directory_path() / ("strata-" + std::to_string(::getpid()) + "-snapshot-test.snap")).string();
        std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));

        engine::Recorder recorder;
        auto loaded = kvm::load_snapshot(recorder, path);
        REQUIRE_FALSE(loaded);
        CHECK(loaded.error().message.find("section memory is corrupt") != std::string::npos);
        for (const auto& e : recorder.events()) CHECK(e.name != "ioctl(KVM_CREATE_VM)");

        const auto cli = run_strata("snapshot resume " + path);
        CHECK(cli.status == 1);
        CHECK(cli.output.find("section memory is corrupt") != std::string::npos);
        CHECK(cli.output.find("tinyos continues") == std::string::npos);
        const auto info = run_strata("snapshot info " + path);
        CHECK(info.status == 1);
        std::remove(path.c_str());
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("A state KVM refuses on restore leaves no half-restored machine behind", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        auto a = boot_snapshot_workload();
        REQUIRE(a->machine->run({std::chrono::milliseconds(5000)}));
        auto snap = kvm::take_snapshot(*a->machine, tinyos::ready);
        REQUIRE(snap);
        // An MSR no CPU has, in a well-formed file: only KVM can refuse it.
        auto& msrs = snap->state.vcpu.msrs;
        REQUIRE(msrs.size() >= 8 + 16);
        const std::uint32_t bogus = 0xdeadbeef;
        std::memcpy(msrs.data() + 8 + 16 * 3, &bogus, 4);
        const auto file = kvm::encode_snapshot(*snap);
        engine::Recorder recorder;
        auto k = kvm::Kvm::open(recorder);
        REQUIRE(k);
        auto host = kvm::probe_host_cpu(*k);
        REQUIRE(host);
        auto valid = kvm::validate_snapshot(file, *host);
        REQUIRE(valid);
        auto b = kvm::restore_snapshot(std::move(*k), *valid, {});
        REQUIRE_FALSE(b);
        CHECK(b.error().operation == "ioctl(KVM_SET_MSRS)");
        CHECK(b.error().message.find("refused MSR 0xdeadbeef") != std::string::npos);
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("tinyos's kernel faults are still caught with the snapshot workload", "[kvm]") {
    const auto [fault, expected] = GENERATE(table<tinyos::Fault, kvm::RunStop>({
        {tinyos::Fault::triple, kvm::RunStop::stopped},   // KVM_EXIT_SHUTDOWN
        {tinyos::Fault::hang, kvm::RunStop::watchdog},    // a kernel loop with interrupts off
    }));
    const auto before = tests::HostState::capture();
    {
        auto a = boot_snapshot_workload(fault);
        auto report = a->machine->run({std::chrono::milliseconds(400), 100'000});
        REQUIRE(report);
        CHECK(report->stop == expected);
        CHECK(a->console.find("tinyos 0.1 booting") != std::string::npos);
    }
    CHECK_NO_LEAKS(before);
}
