// The shortest way strata starts a container: the same calls the lessons
// make step by step (clone3 with every namespace, id maps, private mounts,
// bind, pivot_root, detach, exec), made in one go, recorded as a single
// TraceEvent. `strata bench container` times it against the raw C floor;
// compare/start-time and `strata bench start` time it phase by phase.
#pragma once

#include <chrono>
#include <string>

#include "backends/linux/traced.hpp"

namespace strata::linux {

// Where a container start's time goes (all CLOCK_MONOTONIC, which the
// child and strata share).
struct ContainerStartTimes {
    std::chrono::nanoseconds clone{};    // clone3 with every namespace, until it returns to strata
    std::chrono::nanoseconds id_maps{};  // setgroups, uid_map, gid_map written from outside
    std::chrono::nanoseconds root{};     // inside: private mounts, bind, pivot_root, detach
    std::chrono::nanoseconds run{};      // execve of the program, its run, its exit, the wait
    std::chrono::nanoseconds total() const { return clone + id_maps + root + run; }
};

// Runs `program` (a path inside the image) as PID 1 of a new container on
// `rootfs` and waits for it. Returns its wait status; `times` (optional)
// gets the phases.
Result<int> run_container_once(Recorder& recorder, const std::string& rootfs, const std::string& program,
                               ContainerStartTimes* times = nullptr);

}  // namespace strata::linux
