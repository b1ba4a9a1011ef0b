#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons {

engine::Lesson long_mode_lesson();

}  // namespace strata::lessons
