// The compute_loop guest's header (assets/guests/compute_loop.S): where in
// the image its routine and its entry point are, so strata can run the
// very same routine bytes natively and in a container as in the VM.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

#include "assets/guests/images.hpp"

namespace strata::guests {

struct ComputeLoopImage {
    std::span<const std::uint8_t> image;    // the whole flat binary (load at long_mode_load_address)
    std::span<const std::uint8_t> routine;  // `uint64_t routine(uint64_t iterations)`, position-independent
    std::uint64_t entry = 0;                // guest-physical address of the entry point
};

// Reads the header of `image`; nullopt when it is not a compute_loop
// image or an offset points outside it.
inline std::optional<ComputeLoopImage> parse_compute_loop(std::span<const std::uint8_t> image) {
    if (image.size() < 16 || std::memcmp(image.data(), "LOOP", 4) != 0) return std::nullopt;
    std::uint32_t routine_offset, routine_length, entry_offset;
    std::memcpy(&routine_offset, image.data() + 4, 4);
    std::memcpy(&routine_length, image.data() + 8, 4);
    std::memcpy(&entry_offset, image.data() + 12, 4);
    if (routine_length == 0 || routine_offset > image.size() || routine_length > image.size() - routine_offset ||
        entry_offset < 16 || entry_offset >= image.size())
        return std::nullopt;
    return ComputeLoopImage{image, image.subspan(routine_offset, routine_length), long_mode_load_address + entry_offset};
}

inline std::optional<ComputeLoopImage> compute_loop_image() { return parse_compute_loop(compute_loop()); }

}  // namespace strata::guests
