// The browser's platform layer (app/platform/platform.hpp), beside GLFW
// and SDL2: the page's canvas with a WebGL 2 context (OpenGL ES 3.0) made
// through Emscripten's GLFW, and ImGui's GLFW and OpenGL3 backends, the
// same backends the desktop uses. The canvas follows the size of its box
// on the page, in device pixels, so text is sharp on a high-density
// screen.
#pragma once

#include <memory>

#include "app/platform/platform.hpp"

namespace strata::web {

// Null with `failure` filled when the browser gives no WebGL 2 context
// (the page checks first and says so; this is the second line).
std::unique_ptr<platform::Platform> open_canvas(platform::OpenFailure& failure);

}  // namespace strata::web
