// Track compare: VMs and containers side by side, measured on this machine.
//
// This list is the one place a lesson is registered: each lesson's .cpp
// defines its factory in strata::lessons::compare, declared here, and its
// order here is the course order.
#include "lessons/catalogue.hpp"

namespace strata::lessons {

namespace compare {
engine::Lesson whose_kernel_lesson();
engine::Lesson start_time_lesson();
engine::Lesson footprint_lesson();
engine::Lesson isolation_lesson();
engine::Lesson patching_lesson();
engine::Lesson guest_speed_lesson();
engine::Lesson runtime_lesson();
engine::Lesson same_image_lesson();
}  // namespace compare

std::vector<engine::Lesson> compare_track() {
    using namespace compare;
    return {whose_kernel_lesson(), start_time_lesson(), footprint_lesson(),
            isolation_lesson(),    patching_lesson(),   guest_speed_lesson(), runtime_lesson(),
            same_image_lesson()};
}

}  // namespace strata::lessons
