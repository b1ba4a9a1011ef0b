// Track container: a container from scratch (namespaces, mounts, cgroups).
//
// This list is the one place a lesson is registered: each lesson's .cpp
// defines its factory in strata::lessons::container, declared here, and
// its order here is the course order.
#include "lessons/catalogue.hpp"

namespace strata::lessons {

namespace container {
engine::Lesson just_a_process_lesson();
engine::Lesson uts_lesson();
engine::Lesson pid_lesson();
engine::Lesson mount_pivot_lesson();
engine::Lesson overlay_lesson();
engine::Lesson user_lesson();
engine::Lesson network_lesson();
engine::Lesson cgroups_lesson();
engine::Lesson lockdown_lesson();
engine::Lesson whole_lesson();
}  // namespace container

std::vector<engine::Lesson> container_track() {
    using namespace container;
    return {just_a_process_lesson(), uts_lesson(), pid_lesson(), mount_pivot_lesson(), overlay_lesson(),
            user_lesson(), network_lesson(), cgroups_lesson(), lockdown_lesson(), whole_lesson()};
}

}  // namespace strata::lessons
