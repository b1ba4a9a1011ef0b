// Timing other programs: the peers strata compares itself with (unshare(1),
// bwrap, crun, runc, qemu-system-x86_64), run as whole processes, start to
// exit, so every row of a comparison pays for the same things.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "backends/linux/traced.hpp"

namespace strata::linux {

// argv as execve and posix_spawn want it (pointers into `args`, which must
// outlive it), and as one line for a trace event's name.
struct SpawnArgs {
    explicit SpawnArgs(const std::vector<std::string>& args);
    std::vector<char*> pointers;  // null-terminated
    std::string shown;            // "qemu-system-x86_64 -accel kvm ..."
};

// The path of `name` in the usual bin directories, or "" when not installed.
std::string find_program(const std::string& name);

// Runs argv `runs` + 1 times, stdout and stderr to /dev/null; the first run
// warms caches and is dropped. Each run is timed from posix_spawn to
// waitpid, in nanoseconds. A run whose exit status is not
// `expected_status` ends it with an error saying so. Recorded as one
// process event (with the median) touching `layers`.
Result<std::vector<double>> time_program(Recorder& recorder, const std::vector<std::string>& argv, int runs,
                                         std::vector<LayerId> layers, int expected_status = 0);

// Like time_program, but each run is timed from posix_spawn until the
// program has printed `marker` on its stdout (a guest's console, say),
// then the program is killed: a run that ends, or is still silent after
// `timeout`, first ends it with an error quoting its last line.
Result<std::vector<double>> time_program_to_output(Recorder& recorder, const std::vector<std::string>& argv,
                                                   const std::string& marker, std::chrono::milliseconds timeout,
                                                   int runs, std::vector<LayerId> layers);

}  // namespace strata::linux
