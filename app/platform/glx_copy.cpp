#include "app/platform/glx_copy.hpp"

#include <cstdlib>
#include <cstring>

#include <GL/glx.h>
#include <X11/Xutil.h>

#include "app/platform/gl_check.hpp"

namespace strata::platform {

namespace {

using CopySubBufferFn = void (*)(Display*, GLXDrawable, int, int, int, int);

bool has_extension(const char* list, const char* name) {
    if (!list) return false;
    const std::size_t n = std::strlen(name);
    for (const char* p = std::strstr(list, name); p; p = std::strstr(p + n, name))
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return true;
    return false;
}

}  // namespace

CopySubBuffer glx_copy_sub_buffer(void* native_display, unsigned long window) {
    Display* display = glXGetCurrentDisplay();
    const GLXDrawable drawable = glXGetCurrentDrawable();
    auto* x_display = static_cast<Display*>(native_display);
    if (!display || !drawable || !x_display || !window) return {};
    if (!has_extension(glXQueryExtensionsString(display, DefaultScreen(display)), "GLX_MESA_copy_sub_buffer"))
        return {};
    auto copy = reinterpret_cast<CopySubBufferFn>(
        glXGetProcAddressARB(reinterpret_cast<const GLubyte*>("glXCopySubBufferMESA")));
    if (!copy) return {};
    CopySubBuffer presenter;
    presenter.copy = [display, drawable, copy](int x, int y, int width, int height) {
        copy(display, drawable, x, y, width, height);
    };
    presenter.window_size = [x_display, window]() -> std::pair<int, int> {
        Window root = 0;
        int x = 0, y = 0;
        unsigned w = 0, h = 0, border = 0, depth = 0;
        if (!XGetGeometry(x_display, window, &root, &x, &y, &w, &h, &border, &depth)) return {-1, -1};
        return {static_cast<int>(w), static_cast<int>(h)};
    };
    return presenter;
}

bool software_renderer(const std::string& renderer) {
    for (const char* name : {"llvmpipe", "softpipe", "Software Rasterizer", "swrast"})
        if (renderer.find(name) != std::string::npos) return true;
    return false;
}

CopySubBuffer partial_frame_presenter(void* display, unsigned long window) {
    // STRATA_FULL_FRAMES=1 turns partial frames off (to compare, or should
    // a display server mishandle the copies).
    if (const char* off = std::getenv("STRATA_FULL_FRAMES"); off && *off && std::strcmp(off, "0") != 0) return {};
    if (!software_renderer(current_gl_renderer())) return {};
    return glx_copy_sub_buffer(display, window);
}

bool x11_window_manager_running(void* native_display) {
    auto* display = static_cast<Display*>(native_display);
    if (!display) return false;
    const Atom check = XInternAtom(display, "_NET_SUPPORTING_WM_CHECK", True);
    if (check == None) return false;
    Atom type = None;
    int format = 0;
    unsigned long items = 0, after = 0;
    unsigned char* data = nullptr;
    const int status = XGetWindowProperty(display, DefaultRootWindow(display), check, 0, 1, False, AnyPropertyType,
                                          &type, &format, &items, &after, &data);
    if (data) XFree(data);
    return status == Success && type != None && items > 0;
}

Image read_x11_window(void* native_display, unsigned long window, int width, int height) {
    Image image;
    auto* display = static_cast<Display*>(native_display);
    if (!display || !window || width <= 0 || height <= 0) return image;
    glFinish();
    XSync(display, False);
    // A refused request is an empty image, not Xlib's exit().
    static bool failed;
    failed = false;
    auto* previous = XSetErrorHandler([](Display*, XErrorEvent*) {
        failed = true;
        return 0;
    });
    XImage* x = XGetImage(display, window, 0, 0, static_cast<unsigned>(width), static_cast<unsigned>(height), AllPlanes,
                          ZPixmap);
    XSync(display, False);
    XSetErrorHandler(previous);
    if (!x || failed) {
        if (x) XDestroyImage(x);
        return image;
    }
    image.width = width;
    image.height = height;
    image.rgba.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
    for (int y = 0; y < height; ++y)
        for (int col = 0; col < width; ++col) {
            const unsigned long p = XGetPixel(x, col, y);
            auto* out = &image.rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(col)) * 4];
            out[0] = static_cast<std::uint8_t>((p & x->red_mask) >> __builtin_ctzl(x->red_mask));
            out[1] = static_cast<std::uint8_t>((p & x->green_mask) >> __builtin_ctzl(x->green_mask));
            out[2] = static_cast<std::uint8_t>((p & x->blue_mask) >> __builtin_ctzl(x->blue_mask));
            out[3] = 255;
        }
    XDestroyImage(x);
    return image;
}

}  // namespace strata::platform
