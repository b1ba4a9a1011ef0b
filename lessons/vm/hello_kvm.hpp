#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons {

engine::Lesson hello_kvm_lesson();

}  // namespace strata::lessons
