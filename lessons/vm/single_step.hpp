#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons {

engine::Lesson single_step_lesson();

}  // namespace strata::lessons
