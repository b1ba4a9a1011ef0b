#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons {

engine::Lesson devices_are_exits_lesson();

}  // namespace strata::lessons
