// Every lesson strata has, in course order.
#pragma once

#include <vector>

#include "engine/catalogue.hpp"

namespace strata::lessons {

// Each track's lessons, defined in lessons/<track>/track.cpp.
std::vector<engine::Lesson> vm_track();
std::vector<engine::Lesson> container_track();
std::vector<engine::Lesson> compare_track();

// The whole course, built once.
const engine::Catalogue& catalogue();

}  // namespace strata::lessons
