#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons {

// vm/snapshot: save a running tinyos, restore it into a brand-new VM and a
// new strata process, then log its dirty pages and migrate it live.
engine::Lesson snapshot_lesson();

}  // namespace strata::lessons
