#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons {

// vm/tiny-os: boot tinyos, strata's own small guest OS, and watch its
// kernel and user programs from the outside.
engine::Lesson tiny_os_lesson();

}  // namespace strata::lessons
