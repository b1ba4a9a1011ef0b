#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons {

engine::Lesson interrupts_lesson();

}  // namespace strata::lessons
