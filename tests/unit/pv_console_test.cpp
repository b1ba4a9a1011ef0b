// The paravirtual console's ring, driven by a pretend guest writing guest
// RAM: one doorbell takes the whole message, and a lying guest is caught.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "backends/kvm/mmio_devices.hpp"
#include "backends/kvm/pv_console.hpp"

using namespace strata;
using kvm::PvConsole;

namespace {

constexpr std::uint64_t kRing = 0x3000;

struct PretendGuest {
    engine::Recorder recorder;
    kvm::GuestMemory ram = *kvm::GuestMemory::allocate(recorder, 0, 0x10000);
    std::uint32_t produced = 0;

    void send(std::string_view text) {
        for (char c : text) {
            auto slot = ram.bytes(kRing + PvConsole::kDataOffset + produced % PvConsole::kRingSize, 1);
            (*slot)[0] = static_cast<std::uint8_t>(c);
            ++produced;
        }
        set_produced(produced);
    }
    void set_produced(std::uint32_t value) { std::memcpy(ram.bytes(kRing, 4)->data(), &value, 4); }
    std::uint32_t consumed() const {
        std::uint32_t v;
        std::memcpy(&v, ram.bytes(kRing + 4, 4)->data(), 4);
        return v;
    }
};

void ring(PvConsole& console) {
    const std::uint8_t one = 1;
    console.write(0, {&one, 1});
}

}  // namespace

TEST_CASE("One doorbell delivers a whole message from the ring", "[unit][pv]") {
    PretendGuest guest;
    std::string sink;
    PvConsole console(guest.ram, kRing, &guest.recorder, [&sink](std::string_view s) { sink += s; });
    guest.send("Hello through the ring\n");
    ring(console);
    CHECK(console.output() == "Hello through the ring\n");
    CHECK(sink == console.output());
    CHECK(console.doorbells() == 1);
    CHECK(guest.consumed() == guest.produced);
    const auto events = guest.recorder.events();  // the mmap of RAM, then the output
    REQUIRE_FALSE(events.empty());
    CHECK(events.back().name == "PV console output");
    CHECK(events.back().args[0].value == "23");

    SECTION("the ring wraps around its end") {
        std::string long_text(PvConsole::kRingSize - 5, 'w');
        guest.send(long_text);
        ring(console);
        guest.send("0123456789");
        ring(console);
        CHECK(console.output().size() == 23 + long_text.size() + 10);
        CHECK(console.output().ends_with("0123456789"));
        CHECK(console.bad_rings() == 0);
    }
    SECTION("a doorbell with nothing new delivers nothing") {
        ring(console);
        CHECK(console.bytes_received() == 23);
        CHECK(console.doorbells() == 2);
    }
}

TEST_CASE("A guest claiming more bytes than the ring holds is refused and resynchronised", "[unit][pv]") {
    PretendGuest guest;
    PvConsole console(guest.ram, kRing);
    guest.set_produced(0xfffffff0u);  // "4 billion new bytes"
    ring(console);
    CHECK(console.bytes_received() == 0);
    CHECK(console.bad_rings() == 1);
    CHECK(console.last_problem().find("2048 byte ring") != std::string::npos);
    CHECK(guest.consumed() == 0xfffffff0u);
    // and it carries on from there, across the 32-bit wrap
    guest.produced = 0xfffffff0u;
    guest.send("after the wrap");
    ring(console);
    CHECK(console.output() == "after the wrap");
}

TEST_CASE("A ring outside guest RAM is reported, not followed", "[unit][pv]") {
    PretendGuest guest;
    PvConsole console(guest.ram, 0xfff0);  // the data would run past the end of RAM
    ring(console);
    CHECK(console.bad_rings() == 1);
    CHECK(console.last_problem() == "the ring is not in guest RAM");
}

TEST_CASE("The MMIO register page answers its ID, keeps scratch values and ignores the rest", "[unit][mmio]") {
    kvm::MmioRegisterPage page;
    std::uint8_t id[4] = {};
    page.read(0, id);
    CHECK(kvm::little_endian_value(id) == kvm::MmioRegisterPage::kIdentification);
    const std::uint8_t value[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    page.write(0, value);  // the ID is read-only
    page.read(0, id);
    CHECK(kvm::little_endian_value(id) == kvm::MmioRegisterPage::kIdentification);
    page.write(0x10, value);
    std::uint8_t back[8] = {};
    page.read(0x10, back);
    CHECK(kvm::little_endian_value(back) == 0x0807060504030201ull);
    page.read(0xff8, back);  // beyond the registers: zero
    CHECK(kvm::little_endian_value(back) == 0);
    page.read(~std::uint64_t{0} - 2, back);  // offsets that would overflow
    CHECK(kvm::little_endian_value(back) == 0);
    CHECK(page.reads() == 5);
    CHECK(page.writes() == 2);
    CHECK(page.log().size() == 7);
}
