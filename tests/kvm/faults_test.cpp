// Guests that misbehave, run through the VMM directly: each is reported as
// what it is (the exit, with RIP), the run ends in bounded time, the VMM
// stays usable, and nothing leaks. The guests are a few hand-assembled
// bytes each, spelled out next to their disassembly.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <vector>

#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/long_mode.hpp"
#include "backends/kvm/real_mode.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/uart16550.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vcpu_runner.hpp"
#include "backends/kvm/vm.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;

namespace {

struct TinyVm {
    engine::Recorder recorder;
    std::optional<kvm::Kvm> kvm;
    std::optional<kvm::GuestMemory> ram;
    std::optional<kvm::Vm> vm;
    std::optional<kvm::Vcpu> vcpu;
    kvm::Devices devices;
    kvm::Uart16550 uart;

    // `code` at `entry`; long mode (ring 0, the lessons' tables) or real mode.
    TinyVm(const std::vector<std::uint8_t>& code, std::uint64_t entry, bool long_mode, std::size_t ram_size = 0x200000) {
        kvm.emplace(*kvm::Kvm::open(recorder));
        vm.emplace(*kvm->create_vm());
        ram.emplace(*kvm::GuestMemory::allocate(recorder, 0, ram_size));
        REQUIRE(ram->write(entry, code));
        kvm::LongModeLayout layout;
        if (long_mode) REQUIRE(kvm::write_long_mode_tables(recorder, *ram, layout));
        REQUIRE(vm->map_memory(0, *ram));
        vcpu.emplace(*vm->create_vcpu(0));
        if (long_mode) REQUIRE(kvm::enter_long_mode(*vcpu, layout, entry, 0x80000));
        else REQUIRE(kvm::enter_real_mode(*vcpu, static_cast<std::uint16_t>(entry), 0x8000));
        REQUIRE(devices.pio.attach(0x3f8, 8, uart));
    }

    kvm::RunReport run(kvm::RunLimits limits) {
        kvm::VcpuRunner runner(*vcpu, devices);
        auto report = runner.run(limits);
        REQUIRE(report);
        return *report;
    }
};

}  // namespace

TEST_CASE("A guest executing garbage is stopped and reported with the exit and RIP", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        // 0f 0b: ud2, then 0xff bytes; 64-bit mode with no IDT.
        TinyVm vm({0x0f, 0x0b, 0xff, 0xff, 0xff, 0xff}, 0x4000, true);
        const auto started = std::chrono::steady_clock::now();
        const auto report = vm.run({std::chrono::milliseconds(2000), 1000});
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
        CHECK_FALSE(report.ok());
        REQUIRE(report.last_exit);
        INFO(report.description);
        // #UD with no IDT: a triple fault (SHUTDOWN); a hypervisor that
        // cannot emulate the bytes says INTERNAL_ERROR instead.
        const bool shutdown = std::holds_alternative<kvm::ShutdownExit>(*report.last_exit);
        const bool internal = std::holds_alternative<kvm::InternalErrorExit>(*report.last_exit);
        CHECK((shutdown || internal));
        CHECK(report.stop == kvm::RunStop::stopped);
        CHECK(report.description.find("RIP 0x") != std::string::npos);
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("A guest flooding the UART is stopped by the exit limit, its output bounded", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        // real mode: mov $0x3f8,%dx; mov $'A',%al; 1: out %al,(%dx); jmp 1b
        TinyVm vm({0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0xeb, 0xfd}, 0x1000, false, 0x10000);
        const auto report = vm.run({std::chrono::milliseconds(20000), 3000});
        CHECK(report.stop == kvm::RunStop::exit_limit);
        CHECK(report.exits == 3000);
        CHECK(vm.uart.bytes_sent() == 3000);
        CHECK(vm.uart.output() == std::string(3000, 'A'));
        CHECK(report.description.find("3000 exits") != std::string::npos);
        CHECK(report.description.find("RIP 0x100") != std::string::npos);
        SECTION("and the same vCPU can be run again afterwards") {
            const auto again = vm.run({std::chrono::milliseconds(20000), 10});
            CHECK(again.stop == kvm::RunStop::exit_limit);
            CHECK(vm.uart.bytes_sent() == 3010);
        }
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("A guest touching memory far outside its RAM gets MMIO exits nobody claims", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        // 64-bit: mov $0x300000,%esi; mov (%rsi),%eax; movl $7,(%rsi); hlt
        // 0x300000 is mapped by the page tables, but RAM ends at 2 MiB.
        TinyVm vm({0xbe, 0x00, 0x00, 0x30, 0x00, 0x8b, 0x06, 0xc7, 0x06, 0x07, 0x00, 0x00, 0x00, 0xf4}, 0x4000, true);
        const auto report = vm.run({std::chrono::milliseconds(5000), 100});
        CHECK(report.ok());
        CHECK(report.exits_by_kind.at("MMIO read") == 1);
        CHECK(report.exits_by_kind.at("MMIO write") == 1);
        REQUIRE(report.registers);
        CHECK((report.registers->rax & 0xffffffff) == 0xffffffff);  // an empty bus reads all ones
        bool named = false;
        for (const auto& e : vm.recorder.events())
            if (e.name == "exit: MMIO read 0x300000 (4 bytes)")
                for (const auto& a : e.args) named |= a.name == "device" && a.value == "none (unmapped)";
        CHECK(named);
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("A real-mode guest looping with interrupts off is stopped by the watchdog", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        // cli; 1: jmp 1b
        TinyVm vm({0xfa, 0xeb, 0xfe}, 0x1000, false, 0x10000);
        const auto started = std::chrono::steady_clock::now();
        const auto report = vm.run({std::chrono::milliseconds(300), 1000});
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
        CHECK(report.stop == kvm::RunStop::watchdog);
        CHECK(report.description.find("RIP 0x1001") != std::string::npos);
    }
    CHECK_NO_LEAKS(before);
}
