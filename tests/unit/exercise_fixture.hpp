// A made-up lesson for exercise tests: its steps record known events and
// facts, and its one option changes what the run records, so checks of
// predictions and challenges have a known right answer. Real lessons are
// checked in the backend suites.
#pragma once

#include "engine/lesson.hpp"

namespace strata::tests {

// Steps: "boot" (ioctl KVM_CREATE_VM), "run" (two IO exits on port 0x3f8,
// then HLT, or SHUTDOWN when option budget < 10; console "Hi"; fact
// "VM exits"), "mount" (mount(proc) fails with EPERM: the step fails).
// Option "budget": any number, default 32.
const engine::Lesson& exercise_fixture_lesson();

}  // namespace strata::tests
