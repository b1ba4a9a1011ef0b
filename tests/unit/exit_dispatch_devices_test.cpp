// The dispatcher with the lessons' real devices on its buses: a checkpoint
// pauses the run, an IN from the UART's LSR is answered in the kvm_run
// page, an MMIO read of the register page comes back through kvm_run.mmio,
// and hostile I/O exits are refused before any device sees them.
#include <catch2/catch.hpp>

#include "backends/kvm/checkpoint_port.hpp"
#include "backends/kvm/exit_dispatch.hpp"
#include "backends/kvm/mmio_devices.hpp"
#include "backends/kvm/synthetic_exit.hpp"
#include "backends/kvm/uart16550.hpp"

using namespace strata::kvm;
namespace syn = strata::kvm::synthetic;

namespace {
struct Machine {
    Devices devices;
    Uart16550 uart;
    CheckpointPort checkpoint{devices};
    MmioRegisterPage mmio;
    Machine() {
        REQUIRE(devices.pio.attach(0x3f8, 8, uart));
        REQUIRE(devices.pio.attach(0x501, 1, checkpoint));
        REQUIRE(devices.mmio.attach(0xa0000, 0x1000, mmio));
    }
};
}  // namespace

TEST_CASE("A write to the checkpoint port pauses the run with the guest's number", "[unit][exit]") {
    Machine m;
    auto page = syn::empty_page();
    const std::uint8_t three[] = {3};
    syn::set_io(page, true, 0x501, 1, 1, 1024, three);
    const auto outcome = dispatch_exit(page, m.devices);
    CHECK(outcome.action == ExitAction::pause);
    CHECK(outcome.checkpoint == 3);
    CHECK_FALSE(m.devices.checkpoint);  // taken by the dispatcher, not left for the next exit
    // The next ordinary exit resumes.
    const std::uint8_t a[] = {'a'};
    syn::set_io(page, true, 0x3f8, 1, 1, 1024, a);
    CHECK(dispatch_exit(page, m.devices).action == ExitAction::resume);
    CHECK(m.uart.output() == "a");
}

TEST_CASE("A four-byte write to the checkpoint port carries a program's mark number", "[unit][exit]") {
    Machine m;
    auto page = syn::empty_page();
    const std::uint8_t mark[] = {0x21, 0x01, 0x00, 0x00};  // outl 0x121: tinyos's MARK_BASE | 0x21
    syn::set_io(page, true, 0x501, 4, 1, 1024, mark);
    const auto outcome = dispatch_exit(page, m.devices);
    CHECK(outcome.action == ExitAction::pause);
    CHECK(outcome.checkpoint == 0x121);
}

TEST_CASE("An IN from the UART's line status register is answered in the kvm_run page", "[unit][exit]") {
    Machine m;
    auto page = syn::empty_page();
    syn::set_io(page, false, 0x3fd, 1, 1, 2048);
    const auto outcome = dispatch_exit(page, m.devices);
    CHECK(outcome.action == ExitAction::resume);
    CHECK(page[2048] == 0x60);  // THR empty, transmitter empty
}

TEST_CASE("An MMIO read of the register page returns the ID through kvm_run.mmio.data", "[unit][exit]") {
    Machine m;
    auto page = syn::empty_page();
    syn::set_mmio(page, 0xa0000, 4, false);
    const auto outcome = dispatch_exit(page, m.devices);
    CHECK(outcome.action == ExitAction::resume);
    const auto data = syn::mmio_data(page);
    CHECK(little_endian_value({data.data(), 4}) == MmioRegisterPage::kIdentification);
}

TEST_CASE("Hostile I/O exits are refused before a device sees them", "[unit][exit]") {
    using Row = std::tuple<std::uint8_t, std::uint32_t, std::uint64_t, std::string>;
    auto [size, count, offset, why] = GENERATE(table<std::uint8_t, std::uint32_t, std::uint64_t, std::string>({
        Row{3, 1, 1024, "element size 3"},
        Row{1, 0, 1024, "count 0"},
        Row{4, 0x40000000, 1024, "outside"},      // size * count overflows 32 bits
        Row{1, 1, ~std::uint64_t{0}, "outside"},  // offset far past the page
        Row{2, 2048, 1, "outside"},               // runs off the end
    }));
    CAPTURE(size, count, offset);
    Machine m;
    auto page = syn::empty_page();
    syn::set_io(page, true, 0x3f8, size, count, offset);
    const auto outcome = dispatch_exit(page, m.devices);
    CHECK(outcome.action == ExitAction::stop);
    CHECK(outcome.problem.find(why) != std::string::npos);
    CHECK(m.uart.bytes_sent() == 0);
}

TEST_CASE("A debug exit stops the run and says where", "[unit][exit]") {
    Devices devices;
    auto page = syn::empty_page();
    syn::set_reason(page, syn::reason_debug());
    const auto outcome = dispatch_exit(page, devices);
    CHECK(outcome.action == ExitAction::stop);
    CHECK(outcome.problem.rfind("debug exit at", 0) == 0);
}
