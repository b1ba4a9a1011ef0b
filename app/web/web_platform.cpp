#include "app/web/web_platform.hpp"

#include <cmath>

#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include "app/platform/glfw_keys.hpp"

namespace strata::web {

namespace {

using platform::Image;
using platform::TestKey;
using platform::TestMouse;

// The canvas's box on the page, in CSS pixels, and the device pixel ratio.
EM_JS(double, canvas_css_width, (), { return Module.canvas.getBoundingClientRect().width; });
EM_JS(double, canvas_css_height, (), { return Module.canvas.getBoundingClientRect().height; });
EM_JS(double, device_pixel_ratio, (), { return window.devicePixelRatio || 1; });
EM_JS(void, request_canvas_fullscreen, (int on), {
    // Demo mode: the canvas alone fills the screen. The browser allows it
    // only right after a key press or click; demo mode opened from a link
    // (#demo=1) stays in the page until the presenter presses F.
    var allowed = !navigator.userActivation || navigator.userActivation.isActive;
    if (on) {
        if (allowed && !document.fullscreenElement && Module.canvas.requestFullscreen)
            Module.canvas.requestFullscreen().catch(function() {});
    } else if (document.fullscreenElement) {
        document.exitFullscreen().catch(function() {});
    }
});
EM_JS(int, canvas_is_fullscreen, (), { return document.fullscreenElement === Module.canvas ? 1 : 0; });
// The drawing buffer's size; GLFW hears of it through Browser's resize
// listeners. (Not glfwSetWindowSize: Emscripten's asks for full screen
// whenever the size equals the screen's, as a canvas in full screen does.)
EM_JS(void, set_drawing_buffer_size, (int width, int height), { Browser.setCanvasSize(width, height); });

// The canvas keeps its pixels between frames (WebGL's
// preserveDrawingBuffer), so a frame redraws only what changed, as the
// desktop does on a software renderer (app/platform/frame_renderer.hpp):
// in a browser without a GPU, shading the whole canvas every frame is
// most of a frame's time. Emscripten's GLFW offers no hint for it, so the
// attribute is added where it makes the context.
EM_JS(void, keep_drawing_buffer, (), {
    var create = Browser.createContext;
    Browser.createContext = function(canvas, useWebGL, setInModule, attributes) {
        attributes = attributes || {};
        attributes.preserveDrawingBuffer = true;
        return create.call(Browser, canvas, useWebGL, setInModule, attributes);
    };
});

class WebPlatform final : public platform::Platform {
public:
    explicit WebPlatform(GLFWwindow* window) : window_(window) {
        follow_canvas_box();
        // The browser shows the whole drawing buffer after each frame: a
        // partial frame needs no copying of its own.
        renderer_.enable_partial_frames({[](int, int, int, int) {}, [this] { return framebuffer_size(); }});
    }
    ~WebPlatform() override {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        glfwDestroyWindow(window_);
        glfwTerminate();
    }

    void new_frame() override {
        follow_canvas_box();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
    }
    void render(unsigned rgba) override {
        const auto [w, h] = framebuffer_size();
        renderer_.render(ImGui::GetDrawData(), w, h, rgba);
    }
    // The browser shows what was drawn when the frame's callback returns.
    void swap() override {
        renderer_.present([] {});
    }
    // The browser calls the frame loop (requestAnimationFrame); nothing waits.
    void wait_events(double) override {}
    void wake() override {}
    bool should_close() const override { return false; }
    std::pair<int, int> window_size() const override {
        int w = 0, h = 0;
        glfwGetWindowSize(window_, &w, &h);
        return {w, h};
    }
    std::pair<int, int> framebuffer_size() const override {
        int w = 0, h = 0;
        glfwGetFramebufferSize(window_, &w, &h);
        return {w, h};
    }
    float dpi_scale() const override { return ratio_; }
    gui::KeyMap key_map() const override { return platform::glfw_key_map(); }
    void set_fullscreen(bool on) override {
        request_canvas_fullscreen(on ? 1 : 0);
        renderer_.invalidate();
    }
    bool fullscreen() const override { return canvas_is_fullscreen() != 0; }
    void reload_font_texture() override {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
        renderer_.invalidate();
    }
    // Tests read the page's pixels through the browser (tests/web).
    Image read_window() const override { return {}; }

    void inject_key(TestKey key, bool down) override {
        ImGui_ImplGlfw_KeyCallback(window_, platform::glfw_key(key), 0, down ? GLFW_PRESS : GLFW_RELEASE, 0);
    }
    void inject_mouse(float x, float y, TestMouse action) override {
        ImGui::GetIO().MousePos = ImVec2(x, y);
        if (action != TestMouse::move)
            ImGui_ImplGlfw_MouseButtonCallback(window_, GLFW_MOUSE_BUTTON_LEFT,
                                               action == TestMouse::press ? GLFW_PRESS : GLFW_RELEASE, 0);
    }

private:
    // The canvas's drawing buffer is its box times the device pixel ratio,
    // and ImGui's text scales by the same ratio (dpi_scale), as on a
    // high-density desktop screen.
    void follow_canvas_box() {
        ratio_ = static_cast<float>(device_pixel_ratio());
        const int w = static_cast<int>(std::lround(canvas_css_width() * ratio_));
        const int h = static_cast<int>(std::lround(canvas_css_height() * ratio_));
        const auto [cw, ch] = window_size();
        if (w > 0 && h > 0 && (w != cw || h != ch)) {
            set_drawing_buffer_size(w, h);
            renderer_.invalidate();
        }
    }

    GLFWwindow* window_;
    float ratio_ = 1;
};

}  // namespace

std::unique_ptr<platform::Platform> open_canvas(platform::OpenFailure& failure) {
    if (!glfwInit()) {
        failure = {platform::kExitRequirement, "the browser's GLFW did not start"};
        return nullptr;
    }
    // WebGL 2 is OpenGL ES 3.0: what ImGui's OpenGL3 backend draws with
    // "#version 300 es" shaders.
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    keep_drawing_buffer();
    GLFWwindow* window = glfwCreateWindow(1280, 800, "strata", nullptr, nullptr);
    if (!window) {
        glfwTerminate();
        failure = {platform::kExitRequirement, "this browser gives no WebGL 2 context, which strata draws with"};
        return nullptr;
    }
    glfwMakeContextCurrent(window);
    ImGui_ImplGlfw_InitForOpenGL(window, /*install_callbacks=*/true);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    return std::make_unique<WebPlatform>(window);
}

}  // namespace strata::web
