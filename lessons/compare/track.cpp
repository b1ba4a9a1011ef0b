// Track compare: VMs and containers side by side, measured on this machine.
#include "lessons/catalogue.hpp"
#include "lessons/compare/lessons.hpp"

namespace strata::lessons {

// In course order (LESSONS.md).
std::vector<engine::Lesson> compare_track() {
    using namespace compare;
    return {whose_kernel_lesson(), start_time_lesson(), footprint_lesson(),
            isolation_lesson(),    patching_lesson(),   guest_speed_lesson(), runtime_lesson()};
}

}  // namespace strata::lessons
