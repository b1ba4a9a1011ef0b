// Track container: a container from scratch (namespaces, mounts, cgroups).
#include "lessons/catalogue.hpp"

namespace strata::lessons {

std::vector<engine::Lesson> container_track() { return {}; }

}  // namespace strata::lessons
