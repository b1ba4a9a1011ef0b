// Track compare: VMs and containers side by side.
#include "lessons/catalogue.hpp"

namespace strata::lessons {

std::vector<engine::Lesson> compare_track() { return {}; }

}  // namespace strata::lessons
