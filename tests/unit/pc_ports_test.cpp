// The legacy PC devices a booting Linux probes (vm/boot-linux), and the
// console watcher that turns its lines into milestones. No /dev/kvm needed.
#include <catch2/catch.hpp>

#include <array>

#include "backends/kvm/console_milestones.hpp"
#include "backends/kvm/initramfs.hpp"
#include "backends/kvm/pc_ports.hpp"

namespace kvm = strata::kvm;

namespace {
std::uint8_t in(kvm::Device& d, std::uint64_t offset = 0) {
    std::array<std::uint8_t, 1> b{0x5a};
    d.read(offset, b);
    return b[0];
}
void out(kvm::Device& d, std::uint8_t v, std::uint64_t offset = 0) {
    std::array<std::uint8_t, 1> b{v};
    d.write(offset, b);
}
}  // namespace

TEST_CASE("PCI configuration reads all ones: no device at any address", "[unit][linux-boot]") {
    kvm::AbsentPciConfig pci;
    out(pci, 0x80);
    std::array<std::uint8_t, 4> word{};
    pci.read(4, word);
    CHECK(word == std::array<std::uint8_t, 4>{0xff, 0xff, 0xff, 0xff});
}

TEST_CASE("CMOS registers read zero and the index port remembers the register", "[unit][linux-boot]") {
    kvm::CmosRtc cmos;
    out(cmos, 0x8a);  // register A, NMIs masked
    CHECK(in(cmos, 1) == 0);  // not updating, no date
    CHECK(in(cmos, 0) == 0x0a);
}

TEST_CASE("The i8042 passes its self-test, keeps its control byte, and 0xfe asks the VMM to stop", "[unit][linux-boot]") {
    kvm::Devices devices;
    kvm::I8042 kbc(devices);
    auto& command = kbc.command_port();
    CHECK((in(command) & 0x01) == 0);  // nothing to read
    out(command, 0xaa);                // self-test
    CHECK((in(command) & 0x01) == 1);
    CHECK(in(kbc) == 0x55);
    out(command, 0x60);  // write the control byte
    out(kbc, 0x47);
    out(command, 0x20);  // read it back
    CHECK(in(kbc) == 0x47);
    for (int i = 0; i < 100; ++i) out(command, 0x20);  // a guest that never reads stays bounded
    CHECK_FALSE(kbc.reset_requested());
    CHECK_FALSE(devices.checkpoint);
    out(command, 0xfe);  // pulse the reset line
    CHECK(kbc.reset_requested());
    REQUIRE(devices.checkpoint);
    CHECK(*devices.checkpoint == kvm::I8042::kResetCheckpoint);
}

TEST_CASE("The console watcher marks Linux's milestones and pauses at the one asked for", "[unit][linux-boot]") {
    kvm::Devices devices;
    kvm::ConsoleMilestones watch(nullptr, devices);
    watch.stop_at(kvm::Milestone::guest_uname);
    watch.feed("[    0.000000] Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org)\r\n");
    watch.feed("[   11.5] Run /init as init process\r\n");
    CHECK_FALSE(devices.checkpoint);
    watch.feed(std::string(kvm::kGuestUnameMarker) + "6.1.0-");  // a line arrives in pieces
    CHECK_FALSE(devices.checkpoint);
    watch.feed("57-amd64\r\n");
    REQUIRE(devices.checkpoint);
    CHECK(*devices.checkpoint == static_cast<std::uint32_t>(kvm::Milestone::guest_uname));
    REQUIRE(watch.find(kvm::Milestone::kernel_version));
    CHECK(watch.find(kvm::Milestone::kernel_version)->line.starts_with("Linux version 6.1.0-57-amd64"));
    CHECK(watch.find(kvm::Milestone::guest_uname)->line == "STRATA-GUEST-UNAME: 6.1.0-57-amd64");
    CHECK(watch.find(kvm::Milestone::run_init));
    CHECK(watch.lines() == 3);
    watch.feed(std::string(100000, 'x'));  // no newline ever: bounded
    watch.feed("\n");
    CHECK(watch.lines() == 4);
}
