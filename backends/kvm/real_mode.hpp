// Starting a vCPU in real mode, the state an x86 CPU is in after reset:
// 16-bit code, segment:offset addressing, no paging. The simplest mode
// for a first guest.
#pragma once

#include <cstdint>

#include "backends/kvm/vcpu.hpp"

namespace strata::kvm {

// Sets CS:IP so execution starts at guest-physical `entry` (< 1 MiB), all
// data segments and the stack at segment 0 with SP = `stack`, and
// interrupts off.
engine::Result<void> enter_real_mode(Vcpu& vcpu, std::uint16_t entry, std::uint16_t stack);

}  // namespace strata::kvm
