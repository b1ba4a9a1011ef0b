// The container track's lessons, one per file.
#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons::container {

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

}  // namespace strata::lessons::container
