#pragma once

#include "engine/lesson.hpp"

namespace strata::lessons {

// vm/boot-linux: strata's own VMM boots a stock Linux kernel to /init,
// through the x86 boot protocol, and watches it power off.
engine::Lesson boot_linux_lesson();

}  // namespace strata::lessons
