// Track container: a container from scratch (namespaces, mounts, cgroups).
#include "lessons/catalogue.hpp"
#include "lessons/container/lessons.hpp"

namespace strata::lessons {

std::vector<engine::Lesson> container_track() {
    using namespace container;
    return {just_a_process_lesson(), uts_lesson(), pid_lesson(), mount_pivot_lesson(), overlay_lesson(),
            user_lesson(), network_lesson(), cgroups_lesson(), lockdown_lesson(), whole_lesson()};
}

}  // namespace strata::lessons
