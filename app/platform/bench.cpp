#include "app/platform/bench.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "app/platform/gl_check.hpp"

namespace strata::platform {

namespace {

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);  // every thread of the process
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return s(usage.ru_utime) + s(usage.ru_stime);
}

// A "VmRSS:" style line of /proc/self/status, in MiB.
double status_mib(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
    return 0;
}

}  // namespace

int run_bench(Gui& gui, const BenchOptions& options) {
    std::printf("strata GUI benchmark (%s, %s)\n", current_gl_renderer().c_str(), current_gl_version().c_str());
    const auto [w, h] = gui.platform().framebuffer_size();
    std::printf("  window            %dx%d\n", w, h);
    std::printf("  first frame       %.3f s (window open to first frame swapped)\n", options.first_frame_seconds);

    // Animated frames: the diagram loops its animation (--bench-frames
    // sets ShellOptions::loop_animation), vsync is off, nothing else waits.
    int animating = 0;
    const double cpu0 = cpu_seconds();
    const double t0 = gui.seconds();
    for (int i = 0; i < options.frames; ++i) {
        gui.poll();
        animating += gui.render_frame().animating;
    }
    const double elapsed = gui.seconds() - t0;
    const double cpu = cpu_seconds() - cpu0;
    std::printf("  animated frames   %d in %.2f s = %.1f fps (%d with the diagram animating), %.2f cores\n",
                options.frames, elapsed, options.frames / elapsed, animating, cpu / elapsed);

    if (options.idle_seconds > 0) {
        // Idle: the real event loop's wait, nothing animating or running.
        gui.shell().set_loop_animation(false);
        gui.settle(5);
        const double idle_cpu0 = cpu_seconds();
        const double idle_t0 = gui.seconds();
        int frames = 0;
        while (gui.seconds() - idle_t0 < options.idle_seconds) {
            gui.platform().wait_events(options.idle_seconds - (gui.seconds() - idle_t0));
            gui.render_frame();
            ++frames;
        }
        const double idle_wall = gui.seconds() - idle_t0;
        const double idle_cpu = cpu_seconds() - idle_cpu0;
        std::printf("  idle              %.2f%% of a core over %.1f s (%d frames drawn)\n", 100.0 * idle_cpu / idle_wall,
                    idle_wall, frames);
    }
    std::printf("  memory            RSS %.1f MiB now, peak %.1f MiB\n", status_mib("VmRSS"), status_mib("VmHWM"));
    return kExitOk;
}

}  // namespace strata::platform
