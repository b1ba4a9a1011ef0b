// The same loop in four places (compare/guest-speed, `strata bench
// guest-speed`): the compute_loop guest's routine (assets/guests/
// compute_loop.S), byte for byte, run
//   - natively, in strata's own process;
//   - in a container, by the container's own process (linux::Agent);
//   - in a VM, as guest user code (ring 3);
//   - in a VM, as guest kernel code (ring 0).
// Each place calibrates its iteration count so that one run lasts at least
// `target` (a VM exit or a process switch then weighs nothing), then times
// `runs` runs. All four must compute the same answer for the same count.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "backends/linux/agent.hpp"
#include "engine/recorder.hpp"

namespace strata::measure {

struct LoopOptions {
    int runs = 5;
    std::chrono::milliseconds target{25};
};

struct LoopTiming {
    std::string where;                     // "native (strata's process)"
    std::uint64_t iterations = 0;          // per run, after calibration
    std::vector<double> ns_per_iteration;  // one per timed run
    std::uint64_t answer = 0;              // the routine's result for `iterations`
};

engine::Result<LoopTiming> loop_native(engine::Recorder& recorder, const LoopOptions& options);
engine::Result<LoopTiming> loop_in_container(linux::Agent& container, const LoopOptions& options);
// `ring` 3: guest user mode; 0: guest kernel mode.
engine::Result<LoopTiming> loop_in_guest(engine::Recorder& recorder, int ring, const LoopOptions& options);

// The routine's answer computed here in C++, to check the others against.
std::uint64_t loop_reference(std::uint64_t iterations);

}  // namespace strata::measure
