// Lap timing for the machine builders (TinyosVm, LinuxVm), which report
// where the time of making a VM goes, phase by phase.
#pragma once

#include <chrono>

namespace strata::kvm {

// The time since `mark` on the monotonic clock, and `mark` moved to now.
inline std::chrono::nanoseconds lap(std::chrono::steady_clock::time_point& mark) {
    const auto now = std::chrono::steady_clock::now();
    const auto d = std::chrono::duration_cast<std::chrono::nanoseconds>(now - mark);
    mark = now;
    return d;
}

}  // namespace strata::kvm
