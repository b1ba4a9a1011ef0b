// Where strata loads its guest programs in guest-physical memory: each is
// linked to run there (the address in assets/guests/CMakeLists.txt's list,
// tinyos.ld for tinyos), so a program loaded anywhere else jumps into
// nothing.
#pragma once

#include <cstdint>

namespace strata::guests {
inline constexpr std::uint64_t real_mode_load_address = 0x1000;
inline constexpr std::uint64_t long_mode_load_address = 0x4000;
inline constexpr std::uint64_t tinyos_load_address = 0x100000;
}  // namespace strata::guests
