// The guest programs strata embeds, assembled from assets/guests/*.S at
// build time. Each is a flat binary linked to run at its load address.
#pragma once

#include <cstdint>
#include <span>

#define STRATA_GUEST_IMAGE(name)                                                      \
    extern "C" const std::uint8_t strata_guest_##name##_start[];                      \
    extern "C" const std::uint8_t strata_guest_##name##_end[];                        \
    namespace strata::guests {                                                        \
    inline std::span<const std::uint8_t> name() {                                     \
        return {strata_guest_##name##_start, strata_guest_##name##_end};              \
    }                                                                                 \
    }

// Real-mode guests, loaded at guest-physical 0x1000.
STRATA_GUEST_IMAGE(hello)
STRATA_GUEST_IMAGE(loop)
STRATA_GUEST_IMAGE(triple_fault)
STRATA_GUEST_IMAGE(devices)
STRATA_GUEST_IMAGE(single_step)
STRATA_GUEST_IMAGE(timer_ticks)
STRATA_GUEST_IMAGE(irq_inject)
STRATA_GUEST_IMAGE(cpuid_probe)
// 64-bit guests, loaded at guest-physical 0x4000 (long_mode_load_address).
STRATA_GUEST_IMAGE(long_mode)
STRATA_GUEST_IMAGE(null_pointer)
STRATA_GUEST_IMAGE(compute_loop)
// tinyos (assets/guests/tinyos), loaded at guest-physical 0x100000.
STRATA_GUEST_IMAGE(tinyos)
STRATA_GUEST_IMAGE(exit_cost)
// A 64 KiB firmware image for QEMU (-bios), the start-time peer.
STRATA_GUEST_IMAGE(qemu_reset)

#undef STRATA_GUEST_IMAGE

namespace strata::guests {
inline constexpr std::uint64_t real_mode_load_address = 0x1000;
inline constexpr std::uint64_t long_mode_load_address = 0x4000;
inline constexpr std::uint64_t tinyos_load_address = 0x100000;
}
