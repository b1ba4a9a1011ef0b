// A window with an OpenGL 3 context and ImGui's platform + renderer
// backends attached. GLFW is the default; SDL2 runs the same app. The GUI
// code above it never knows which one is in use.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "app/gui/controls_view.hpp"
#include "app/platform/frame_renderer.hpp"
#include "app/platform/screenshot.hpp"

namespace strata::platform {

enum class Backend { glfw, sdl2 };
std::optional<Backend> backend_from_name(const std::string& name);
const char* backend_name(Backend backend);
bool backend_available(Backend backend);  // SDL2 may be left out of a build

// Exit codes of the app (DESIGN.md): 3 = a requirement is missing.
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRequirement = 3;

struct WindowOptions {
    int width = 1280;
    int height = 800;
    std::string title = "strata";
    bool vsync = true;
};

// Why a window could not be opened, for the user, with the exit code.
struct OpenFailure {
    int exit_code = kExitRequirement;
    std::string message;
};

// Keys tests can press (simulated input goes through the same backend
// callbacks/event queue as real input).
enum class TestKey { space, right, left, end, home, escape, p, page_down, page_up, b, f, n, digit_2, plus, minus };
enum class TestMouse { move, press, release };

class Platform {
public:
    virtual ~Platform() = default;

    // Starts ImGui's backend frame (the caller then calls ImGui::NewFrame).
    virtual void new_frame() = 0;
    // Clears, renders ImGui's draw data; does not swap.
    virtual void render(unsigned clear_rgba) = 0;
    virtual void swap() = 0;
    // Waits for input or wake(); timeout < 0 waits without limit, 0 polls.
    virtual void wait_events(double timeout_seconds) = 0;
    // Thread-safe: makes a wait_events() in progress return.
    virtual void wake() = 0;
    virtual bool should_close() const = 0;
    virtual std::pair<int, int> window_size() const = 0;
    virtual std::pair<int, int> framebuffer_size() const = 0;
    // Content scale of the monitor (1 on a 96 dpi screen and under Xvfb).
    virtual float dpi_scale() const = 0;
    virtual gui::KeyMap key_map() const = 0;
    // Full screen on the window's monitor (demo mode), or back to the
    // window it was.
    virtual void set_fullscreen(bool on) = 0;
    virtual bool fullscreen() const = 0;
    // Uploads ImGui's font atlas again after fonts were reloaded.
    virtual void reload_font_texture() = 0;

    // Draws the frames (partial redraw, statistics for the benchmark).
    FrameRenderer& renderer() { return renderer_; }

    // What the display shows in the window (tests compare it with what was
    // drawn); empty when the platform cannot read it back.
    virtual Image read_window() const = 0;

    // Simulated input for window tests.
    virtual void inject_key(TestKey key, bool down) = 0;
    virtual void inject_mouse(float x, float y, TestMouse action) = 0;

protected:
    FrameRenderer renderer_;
};

// Opens a window and attaches ImGui (the ImGui context must exist).
std::unique_ptr<Platform> open_platform(Backend backend, const WindowOptions& options, OpenFailure& failure);
std::unique_ptr<Platform> open_glfw(const WindowOptions& options, OpenFailure& failure);
std::unique_ptr<Platform> open_sdl2(const WindowOptions& options, OpenFailure& failure);

// A display to open a window on ($DISPLAY or $WAYLAND_DISPLAY).
bool display_present();
// The message when there is none: what to do instead.
std::string no_display_message();

}  // namespace strata::platform
