// Every lesson strata has, in course order.
#pragma once

#include <string>
#include <vector>

#include "engine/catalogue.hpp"

namespace strata::lessons {

// Each track's lessons, defined in lessons/<track>/track.cpp.
std::vector<engine::Lesson> vm_track();
std::vector<engine::Lesson> container_track();
std::vector<engine::Lesson> compare_track();

// The whole course, built once. Titles and summaries come from the
// lessons' Markdown under engine::asset_dir().
const engine::Catalogue& catalogue();
// Lessons whose Markdown could not give a title and summary, one line
// each ("vm/x: open ...: ENOENT ..."); empty when all is well. Those
// lessons are still in the catalogue, titled by their id.
const std::vector<std::string>& catalogue_problems();

}  // namespace strata::lessons
