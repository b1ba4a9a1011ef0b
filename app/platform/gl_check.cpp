#include "app/platform/gl_check.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <GL/gl.h>

#include "app/platform/platform.hpp"

namespace strata::platform {

std::optional<std::pair<int, int>> parse_gl_version(const std::string& version) {
    const char* s = version.c_str();
    while (*s && (*s < '0' || *s > '9')) ++s;  // skip "OpenGL ES "
    int major = 0, minor = 0;
    if (std::sscanf(s, "%d.%d", &major, &minor) != 2) return std::nullopt;
    return std::pair{major, minor};
}

std::string current_gl_version() {
    const auto* v = reinterpret_cast<const char*>(glGetString(GL_VERSION));
    return v ? v : "";
}

std::string current_gl_renderer() {
    const auto* r = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    return r ? r : "";
}

std::string gl_too_old_message(const std::string& found) {
    return "OpenGL " + std::to_string(kGlMajor) + "." + std::to_string(kGlMinor) +
           " (core profile) is needed; this display offers " + (found.empty() ? std::string("no usable OpenGL") : "OpenGL " + found) +
           ".\nUpdate the graphics driver, or run the same lessons in the terminal: strata list, strata run ID.";
}

std::string gl_version_problem() {
    const std::string found = current_gl_version();
    const auto v = parse_gl_version(found);
    if (v && (v->first > kGlMajor || (v->first == kGlMajor && v->second >= kGlMinor))) return {};
    return gl_too_old_message(found);
}

std::optional<Backend> backend_from_name(const std::string& name) {
    if (name == "glfw") return Backend::glfw;
    if (name == "sdl2" || name == "sdl") return Backend::sdl2;
    return std::nullopt;
}

const char* backend_name(Backend backend) { return backend == Backend::glfw ? "glfw" : "sdl2"; }

bool backend_available(Backend backend) {
#ifdef STRATA_HAVE_SDL2
    (void)backend;
    return true;
#else
    return backend == Backend::glfw;
#endif
}

bool display_present() {
    const char* x = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    return (x && *x) || (wayland && *wayland);
}

std::string no_display_message() {
    return "strata: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set).\n"
           "Every lesson also runs in the terminal: strata list, strata run ID, strata doctor.\n"
           "For a virtual display: xvfb-run -a strata screenshot --lesson ID --step N -o out.png";
}

std::unique_ptr<Platform> open_platform(Backend backend, const WindowOptions& options, OpenFailure& failure) {
    if (!display_present()) {
        failure = {kExitRequirement, no_display_message()};
        return nullptr;
    }
    if (backend == Backend::sdl2) {
#ifdef STRATA_HAVE_SDL2
        return open_sdl2(options, failure);
#else
        failure = {kExitRequirement, "this strata was built without SDL2 (STRATA_SDL2=OFF); use --platform glfw"};
        return nullptr;
#endif
    }
    return open_glfw(options, failure);
}

}  // namespace strata::platform
