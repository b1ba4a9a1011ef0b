#include "app/platform/bench.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "app/platform/gl_check.hpp"
#include "app/platform/platform.hpp"

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

// The X server's CPU time, when the caller says which process it is
// (bench/gui-frame-rate.sh sets STRATA_BENCH_X_PID): under Xvfb each shown
// frame is copied into the server, work strata's own numbers miss.
class XServerClock {
public:
    XServerClock() {
        if (const char* pid = std::getenv("STRATA_BENCH_X_PID"); pid && *pid) stat_ = std::string("/proc/") + pid + "/stat";
    }
    bool known() const { return !stat_.empty() && seconds() >= 0; }
    double seconds() const {
        std::ifstream in(stat_);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto close = text.rfind(')');
        if (stat_.empty() || close == std::string::npos) return -1;
        // Fields after the command name: state is field 3, utime 14, stime 15.
        std::istringstream fields(text.substr(close + 2));
        std::string field;
        double ticks = 0;
        for (int i = 3; i <= 15 && fields >> field; ++i)
            if (i == 14 || i == 15) ticks += std::stod(field);
        return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
    }

private:
    std::string stat_;
};

}  // namespace

int run_bench(Gui& gui, const BenchOptions& options) {
    std::printf("strata GUI benchmark (%s, %s)\n", current_gl_renderer().c_str(), current_gl_version().c_str());
    const auto [w, h] = gui.platform().framebuffer_size();
    std::printf("  window            %dx%d\n", w, h);
    std::printf("  first frame       %.3f s (window open to first frame swapped)\n", options.first_frame_seconds);

    // Animated frames: the diagram loops its animation (--bench-frames
    // sets ShellOptions::loop_animation), vsync is off, nothing else waits.
    FrameRenderer& renderer = gui.platform().renderer();
    renderer.set_partial_redraw(!options.full_redraw);
    gui.render_frame();  // one frame with the new settings before timing
    int animating = 0;
    FrameTimes spent;
    const XServerClock x_server;
    const double x0 = x_server.seconds();
    const double cpu0 = cpu_seconds();
    const double t0 = gui.seconds();
    for (int i = 0; i < options.frames; ++i) {
        gui.poll();
        animating += gui.render_frame().animating;
        spent.ui += gui.last_frame_times().ui;
        spent.draw += gui.last_frame_times().draw;
        spent.swap += gui.last_frame_times().swap;
    }
    const double elapsed = gui.seconds() - t0;
    const double cpu = cpu_seconds() - cpu0;
    const double x_cpu = x_server.seconds() - x0;
    const double n = options.frames;
    std::printf("  redraw            %s\n", !options.full_redraw && renderer.partial_frames()
                                               ? "only what changed (partial frames, shown with GLX_MESA_copy_sub_buffer)"
                                           : options.full_redraw ? "every pixel, every frame (--full-redraw)"
                                                                 : "every pixel, every frame (no partial frames here)");
    std::printf("  animated frames   %d in %.2f s = %.1f fps (%d with the diagram animating), %.2f cores\n",
                options.frames, elapsed, n / elapsed, animating, cpu / elapsed);
    std::printf("  CPU per frame     %.1f ms in strata (all its threads)", 1e3 * cpu / n);
    if (x_server.known()) std::printf(" + %.1f ms in the X server", 1e3 * x_cpu / n);
    std::printf("\n  wall per frame    %.2f ms UI, %.2f ms draw calls, %.2f ms present (waits for llvmpipe's threads)\n",
                1e3 * spent.ui / n, 1e3 * spent.draw / n, 1e3 * spent.swap / n);

    // Where the pixels go, over a few more frames (walking every triangle
    // costs time, so it is not part of the timed run).
    renderer.set_collect_stats(true);
    double damaged = 0, shaded = 0, draw_calls = 0;
    constexpr int kStatFrames = 60;
    for (int i = 0; i < kStatFrames; ++i) {
        gui.poll();
        gui.render_frame();
        damaged += renderer.stats().damaged_share;
        shaded += renderer.stats().shaded_pixels;
        draw_calls += renderer.stats().draw_calls;
    }
    renderer.set_collect_stats(false);
    std::printf("  pixels            %.0f%% of the window redrawn per frame, %.2f window areas shaded, %.0f draw calls\n",
                100.0 * damaged / kStatFrames, shaded / kStatFrames / (static_cast<double>(w) * h), draw_calls / kStatFrames);

    // The real event loop, paced as a user's window is (about 60 frames a
    // second: under Xvfb a swap never waits for a vertical blank, so the
    // loop sleeps), while the diagram keeps animating.
    {
        constexpr double kPacedSeconds = 3.0;
        const std::uint64_t frames0 = gui.frames();
        const double paced_cpu0 = cpu_seconds(), paced_x0 = x_server.seconds(), paced_t0 = gui.seconds();
        gui.run(kPacedSeconds);
        const double wall = gui.seconds() - paced_t0;
        std::printf("  as used           %.1f fps for %.1f s in the event loop, %.2f cores",
                    static_cast<double>(gui.frames() - frames0) / wall, wall, (cpu_seconds() - paced_cpu0) / wall);
        if (x_server.known()) std::printf(" + %.2f in the X server", (x_server.seconds() - paced_x0) / wall);
        std::printf("\n");
    }

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
