// The shortest way strata starts a container: the same calls the lessons
// make step by step (clone3 with every namespace, id maps, private mounts,
// bind, pivot_root, detach, exec), made in one go, recorded as a single
// TraceEvent. `strata bench container` times it against the raw C floor.
#pragma once

#include <string>

#include "backends/linux/traced.hpp"

namespace strata::linux {

// Runs `program` (a path inside the image) as PID 1 of a new container on
// `rootfs` and waits for it. Returns its wait status.
Result<int> run_container_once(Recorder& recorder, const std::string& rootfs, const std::string& program);

}  // namespace strata::linux
