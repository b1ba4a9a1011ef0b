#include <catch2/catch.hpp>

#include <string>

#include "backends/kvm/exit_dispatch.hpp"
#include "backends/kvm/synthetic_exit.hpp"

using namespace strata::kvm;
namespace syn = strata::kvm::synthetic;

namespace {

// A device that remembers what the guest did and answers reads with a
// fixed byte.
struct RecordingDevice final : Device {
    std::string_view name() const override { return "test device"; }
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override {
        reads.push_back(offset);
        for (auto& b : data) b = answer;
    }
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override {
        writes.push_back(offset);
        written.insert(written.end(), data.begin(), data.end());
    }
    std::uint8_t answer = 0x5a;
    std::vector<std::uint64_t> reads, writes;
    std::vector<std::uint8_t> written;
};

}  // namespace

TEST_CASE("Exit outcomes follow the exit reason", "[unit][exit]") {
    using Row = std::tuple<std::uint32_t, ExitAction, std::string>;
    auto [reason, action, name_part] = GENERATE(table<std::uint32_t, ExitAction, std::string>({
        Row{syn::reason_hlt(), ExitAction::halt, "HLT"},
        Row{syn::reason_shutdown(), ExitAction::stop, "SHUTDOWN"},
        Row{syn::reason_fail_entry(), ExitAction::stop, "FAIL_ENTRY"},
        Row{syn::reason_internal_error(), ExitAction::stop, "INTERNAL_ERROR"},
        Row{syn::reason_debug(), ExitAction::stop, "DEBUG"},
        Row{syn::reason_system_event(), ExitAction::stop, "SYSTEM_EVENT"},
        Row{syn::reason_intr(), ExitAction::resume, "INTR"},
        Row{9999, ExitAction::stop, "KVM_EXIT_9999"},
    }));
    CAPTURE(reason, name_part);
    auto page = syn::empty_page();
    syn::set_reason(page, reason);
    Devices devices;
    const auto outcome = dispatch_exit(page, devices);
    CHECK(outcome.action == action);
    CHECK(outcome.name.find(name_part) != std::string::npos);
    if (action == ExitAction::stop) CHECK_FALSE(outcome.problem.empty());
}

TEST_CASE("A port write reaches the device that claims the port", "[unit][exit]") {
    RecordingDevice device;
    Devices devices;
    REQUIRE(devices.pio.attach(0x3f8, 8, device));
    auto page = syn::empty_page();
    const std::uint8_t byte[] = {'H'};
    syn::set_io(page, true, 0x3fb, 1, 1, 1024, byte);

    const auto outcome = dispatch_exit(page, devices);

    CHECK(outcome.action == ExitAction::resume);
    CHECK(outcome.name == "exit: IO out port 0x3fb");
    REQUIRE(device.writes.size() == 1);
    CHECK(device.writes[0] == 3);  // offset within the device's range
    CHECK(device.written == std::vector<std::uint8_t>{'H'});
}

TEST_CASE("A rep outsb delivers every element", "[unit][exit]") {
    RecordingDevice device;
    Devices devices;
    REQUIRE(devices.pio.attach(0x3f8, 1, device));
    auto page = syn::empty_page();
    const std::uint8_t text[] = {'a', 'b', 'c'};
    syn::set_io(page, true, 0x3f8, 1, 3, 2048, text);
    dispatch_exit(page, devices);
    CHECK(device.written == std::vector<std::uint8_t>{'a', 'b', 'c'});
}

TEST_CASE("A port read is answered in the kvm_run page", "[unit][exit]") {
    RecordingDevice device;
    Devices devices;
    REQUIRE(devices.pio.attach(0x60, 1, device));
    auto page = syn::empty_page();
    syn::set_io(page, false, 0x60, 2, 1, 512);

    SECTION("by the device that claims the port") {
        dispatch_exit(page, devices);
        CHECK(page[512] == 0x5a);
        CHECK(page[513] == 0x5a);
    }
    SECTION("with all ones when no device claims it, like an empty ISA bus") {
        syn::set_io(page, false, 0x61, 1, 1, 512);
        dispatch_exit(page, devices);
        CHECK(page[512] == 0xff);
        CHECK(device.reads.empty());
    }
}

TEST_CASE("An MMIO read of an unmapped page reads all ones", "[unit][exit]") {
    Devices devices;
    auto page = syn::empty_page();
    syn::set_mmio(page, 0xd0000000, 4, false);
    const auto outcome = dispatch_exit(page, devices);
    CHECK(outcome.action == ExitAction::resume);
    CHECK(outcome.name == "exit: MMIO read 0xd0000000 (4 bytes)");
    const auto data = syn::mmio_data(page);
    CHECK(data[0] == 0xff);
    CHECK(data[3] == 0xff);
}

TEST_CASE("Exits whose fields lie are refused, not trusted", "[unit][exit]") {
    Devices devices;
    RecordingDevice device;
    REQUIRE(devices.pio.attach(0, 0x10000, device));
    auto page = syn::empty_page(4096);

    SECTION("I/O data beyond the page") {
        syn::set_io(page, true, 0x3f8, 1, 1, 4096);
        CHECK(dispatch_exit(page, devices).action == ExitAction::stop);
    }
    SECTION("a count whose size overflows 32 bits") {
        syn::set_io(page, true, 0x3f8, 4, 0xffffffffu, 1024);
        CHECK(dispatch_exit(page, devices).action == ExitAction::stop);
    }
    SECTION("an offset near 2^64") {
        syn::set_io(page, true, 0x3f8, 1, 2, ~0ull);
        CHECK(dispatch_exit(page, devices).action == ExitAction::stop);
    }
    SECTION("an element size that is not 1, 2 or 4") {
        syn::set_io(page, true, 0x3f8, 3, 1, 1024);
        CHECK(dispatch_exit(page, devices).action == ExitAction::stop);
    }
    SECTION("an MMIO length above 8") {
        syn::set_mmio(page, 0x1000, 9, true);
        CHECK(dispatch_exit(page, devices).action == ExitAction::stop);
    }
    SECTION("an internal error claiming more data words than exist") {
        syn::set_internal_error(page, 1, 1000);
        const auto outcome = dispatch_exit(page, devices);
        CHECK(outcome.action == ExitAction::stop);
        CHECK(std::get<InternalErrorExit>(outcome.exit).data.size() == 16);
    }
    SECTION("a page smaller than struct kvm_run") {
        std::vector<std::uint8_t> tiny(16, 0);
        CHECK(std::holds_alternative<MalformedExit>(decode_exit(tiny)));
    }
    CHECK(device.writes.empty());
}

TEST_CASE("Devices cannot claim overlapping ranges", "[unit][exit]") {
    RecordingDevice a, b;
    Bus bus;
    REQUIRE(bus.attach(0x3f8, 8, a));
    CHECK_FALSE(bus.attach(0x3fc, 8, b));
    CHECK(bus.attach(0x400, 8, b));
    CHECK(bus.find(0x3ff).device == &a);
    CHECK(bus.find(0x400).device == &b);
    CHECK(bus.find(0x408).device == nullptr);
}
