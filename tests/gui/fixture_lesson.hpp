// A small made-up lesson for view tests: its steps record TraceEvents with
// chosen layers (and one fails with EPERM), so tests know exactly what the
// diagram and timeline must show. Views are functions of Snapshots, so a
// fake lesson is enough to test them; real lessons are stepped in the
// window tests.
#pragma once

#include "engine/catalogue.hpp"
#include "engine/session.hpp"

namespace strata::tests {

// Steps: 0 "unshare" (runtime -> namespaces), 1 "run-guest" (a KVM
// ioctl, a VM entry and a VM exit, with registers, memory, a table and a
// series), 2 "declared-only" (declares mounts but records only a
// processes event), 3 "fails" (mount -> EPERM, and the step fails).
engine::Lesson fixture_lesson();
const engine::Catalogue& fixture_catalogue();

// A snapshot of the fixture after running `steps` steps.
engine::Snapshot fixture_snapshot(int steps);

}  // namespace strata::tests
