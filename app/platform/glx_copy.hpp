// GLX_MESA_copy_sub_buffer for the current context: shows a rectangle of
// the back buffer without a swap (see frame_renderer.hpp for why). Mesa's
// GLX offers it, including llvmpipe under Xvfb; other GLX drivers and
// EGL/Wayland may not, and then strata draws full frames.
#pragma once

#include <string>

#include "app/platform/frame_renderer.hpp"
#include "app/platform/screenshot.hpp"

namespace strata::platform {

// For X window `window` on X11 Display `display`, drawn by the current GLX
// context; empty when the context is not GLX or lacks the extension.
CopySubBuffer glx_copy_sub_buffer(void* display, unsigned long window);
// llvmpipe, softpipe, swrast: GL drawn by the CPU, where pixels cost most.
bool software_renderer(const std::string& gl_renderer);
// The copy when this context should present partial frames, else empty.
CopySubBuffer partial_frame_presenter(void* display, unsigned long window);
// Whether an EWMH window manager runs on `display` (an X11 Display*): it
// sets _NET_SUPPORTING_WM_CHECK on the root window. Without one (Xvfb, a
// bare kiosk X server) nobody acts on a full-screen request, and strata
// must size the window itself.
bool x11_window_manager_running(void* display);

// What the X server shows in X window `window` on `display` (an X11
// Display*), top row first: tests compare it with what strata drew. Empty
// when it cannot be read.
Image read_x11_window(void* display, unsigned long window, int width, int height);

}  // namespace strata::platform
