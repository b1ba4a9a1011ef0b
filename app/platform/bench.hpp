// `strata gui --bench-frames N [--bench-idle S]`: measures what the GUI
// costs on this machine, in numbers: first-frame time, frames per second
// while the diagram animates, CPU used while idle, memory.
#pragma once

#include "app/platform/run_loop.hpp"

namespace strata::platform {

struct BenchOptions {
    int frames = 300;            // animated frames to time
    double idle_seconds = 0;     // 0: skip the idle measurement
    double first_frame_seconds = 0;  // measured by the caller
    bool full_redraw = false;    // redraw every pixel every frame (to compare)
};

// Prints the report to stdout; returns the exit code.
int run_bench(Gui& gui, const BenchOptions& options);

}  // namespace strata::platform
