// The compute_loop guest's contract with the host: a header saying where
// its routine is, and a routine that computes xorshift64 wherever it runs.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "assets/guests/compute_loop.hpp"
#include "backends/measure/guest_speed.hpp"
#include "backends/sys/machine_code.hpp"

using namespace strata;

TEST_CASE("The compute_loop image says where its routine and entry point are, and lies are refused", "[unit][guests]") {
    const auto image = guests::compute_loop_image();
    REQUIRE(image);
    CHECK(image->routine.size() > 8);
    CHECK(image->routine.back() == 0xc3);  // ends in ret
    CHECK(image->entry > guests::long_mode_load_address);
    CHECK(image->entry < guests::long_mode_load_address + image->image.size());

    std::vector<std::uint8_t> bytes(image->image.begin(), image->image.end());
    auto patched = [&](std::size_t at, std::uint32_t value) {
        auto copy = bytes;
        std::memcpy(copy.data() + at, &value, 4);
        return guests::parse_compute_loop(copy);
    };
    CHECK_FALSE(patched(0, 0x504f4f4d));                                    // not "LOOP"
    CHECK_FALSE(patched(4, std::uint32_t(bytes.size())));                  // routine starts past the end
    CHECK_FALSE(patched(8, std::uint32_t(bytes.size())));                  // routine runs past the end
    CHECK_FALSE(patched(8, 0));                                             // empty routine
    CHECK_FALSE(patched(12, std::uint32_t(bytes.size())));                 // entry past the end
    CHECK_FALSE(guests::parse_compute_loop(std::span<const std::uint8_t>(bytes.data(), 8)));  // no header
}

TEST_CASE("The routine's bytes, run natively, compute what the C++ reference computes", "[unit][guests]") {
    const auto image = guests::compute_loop_image();
    REQUIRE(image);
    for (std::uint64_t n : {0ull, 1ull, 2ull, 1000ull, 123457ull}) {
        CAPTURE(n);
        const auto run = sys::run_machine_code(image->routine.data(), image->routine.size(), n);
        REQUIRE(run.error == 0);
        CHECK(run.result == measure::loop_reference(n));
    }
    CHECK(measure::loop_reference(0) == 0x2545f4914f6cdd1dull);
    CHECK(measure::loop_reference(1) != measure::loop_reference(2));
}
