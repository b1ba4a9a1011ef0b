// A running strata window: the ImGui context, the platform (GLFW or SDL2)
// and the app shell, with the loop that waits for events so an idle window
// costs (almost) nothing. Also what screenshots, the benchmark and the
// window tests drive frame by frame.
#pragma once

#include <cstdint>
#include <memory>

#include "app/gui/app_shell.hpp"
#include "app/platform/platform.hpp"
#include "app/platform/screenshot.hpp"

namespace strata::platform {

// Where the last frame's time went (seconds), for the benchmark.
struct FrameTimes {
    double ui = 0;    // building the UI: NewFrame .. Render
    double draw = 0;  // damage, draw calls, copy to the back buffer
    double swap = 0;  // swap (with llvmpipe: waits for the rasterizer threads, then copies to the X server)
};

class Gui {
public:
    // Null with `failure` filled when no window can be opened.
    static std::unique_ptr<Gui> open(const engine::Catalogue& catalogue, Backend backend, const WindowOptions& window,
                                     gui::ShellOptions shell, OpenFailure& failure);
    ~Gui();
    Gui(const Gui&) = delete;
    Gui& operator=(const Gui&) = delete;

    // One whole frame: events already handled, UI built, drawn, and (when
    // `capture`) read back before the swap.
    gui::FrameOutcome render_frame(bool capture = false);
    // Runs until the window closes (or, for the benchmark, `max_seconds`
    // pass); returns the exit code.
    int run(double max_seconds = -1);
    // Frames drawn since open().
    std::uint64_t frames() const { return frames_; }
    // Handles pending input without waiting.
    void poll() { platform_->wait_events(0); }
    // Renders frames until the controller is idle and the picture has
    // settled (for screenshots and tests). False on timeout.
    bool settle(double timeout_seconds = 30);

    // A picture shows the lesson, not where the display's pointer happens
    // to rest (under Xvfb, the screen's centre, over whatever is drawn
    // there, with its tooltip): screenshots and the layout audit draw as
    // if no pointer were over the window.
    void ignore_pointer(bool on) { ignore_pointer_ = on; }

    const Image& last_capture() const { return capture_; }
    const FrameTimes& last_frame_times() const { return times_; }
    gui::AppShell& shell() { return *shell_; }
    Platform& platform() { return *platform_; }
    double seconds() const;  // since open()

private:
    Gui() = default;
    std::unique_ptr<Platform> platform_;
    std::unique_ptr<gui::AppShell> shell_;
    Image capture_;
    FrameTimes times_;
    std::uint64_t frames_ = 0;
    double opened_ = 0;
    bool ignore_pointer_ = false;
};

}  // namespace strata::platform
