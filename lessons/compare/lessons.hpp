// The compare track's lessons, one per file.
#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons::compare {

engine::Lesson whose_kernel_lesson();
engine::Lesson start_time_lesson();
engine::Lesson footprint_lesson();
engine::Lesson isolation_lesson();
engine::Lesson patching_lesson();
engine::Lesson guest_speed_lesson();
engine::Lesson runtime_lesson();

}  // namespace strata::lessons::compare
