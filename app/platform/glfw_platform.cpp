// The GLFW platform layer (the default): a window with an OpenGL 3.3 core
// context, ImGui's GLFW and OpenGL3 backends attached.
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#define GLFW_EXPOSE_NATIVE_X11
#include <GLFW/glfw3native.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include "app/platform/gl_check.hpp"
#include "app/platform/glfw_keys.hpp"
#include "app/platform/glx_copy.hpp"
#include "app/platform/platform.hpp"

namespace strata::platform {

namespace {

std::string g_last_glfw_error;

void remember_error(int, const char* description) { g_last_glfw_error = description ? description : "unknown"; }

// The GL version a plain (compatibility) context gets, to say what the
// display offers when 3.3 core was refused.
std::string probe_default_gl_version() {
    glfwDefaultWindowHints();
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    GLFWwindow* w = glfwCreateWindow(64, 64, "strata-gl-probe", nullptr, nullptr);
    if (!w) return {};
    glfwMakeContextCurrent(w);
    std::string version = current_gl_version();
    glfwMakeContextCurrent(nullptr);
    glfwDestroyWindow(w);
    return version;
}

class GlfwPlatform final : public Platform {
public:
    explicit GlfwPlatform(GLFWwindow* window) : window_(window) {
        renderer_.enable_partial_frames(partial_frame_presenter(glfwGetX11Display(), glfwGetX11Window(window_)));
        // The window was uncovered or resized: the next frame is shown whole.
        glfwSetWindowUserPointer(window_, this);
        glfwSetWindowRefreshCallback(window_, [](GLFWwindow* w) {
            static_cast<GlfwPlatform*>(glfwGetWindowUserPointer(w))->renderer_.invalidate();
        });
    }
    ~GlfwPlatform() override {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        glfwDestroyWindow(window_);
        glfwTerminate();
    }

    void new_frame() override {
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
    }
    void render(unsigned rgba) override {
        const auto [w, h] = framebuffer_size();
        renderer_.render(ImGui::GetDrawData(), w, h, rgba);
    }
    void swap() override {
        renderer_.present([this] { glfwSwapBuffers(window_); });
    }
    void wait_events(double timeout) override {
        if (timeout < 0) glfwWaitEvents();
        else if (timeout == 0) glfwPollEvents();
        else glfwWaitEventsTimeout(timeout);
    }
    void wake() override { glfwPostEmptyEvent(); }
    bool should_close() const override { return glfwWindowShouldClose(window_); }
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
    float dpi_scale() const override {
        float x = 1, y = 1;
        glfwGetWindowContentScale(window_, &x, &y);
        return x > 0 ? x : 1.0f;
    }
    gui::KeyMap key_map() const override { return platform::glfw_key_map(); }
    void set_fullscreen(bool on) override {
        if (on == fullscreen()) return;
        if (on) {
            GLFWmonitor* monitor = glfwGetPrimaryMonitor();
            const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
            if (!mode) return;
            glfwGetWindowPos(window_, &windowed_[0], &windowed_[1]);
            glfwGetWindowSize(window_, &windowed_[2], &windowed_[3]);
            glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
        } else {
            glfwSetWindowMonitor(window_, nullptr, windowed_[0], windowed_[1], windowed_[2], windowed_[3], 0);
        }
        renderer_.invalidate();
    }
    bool fullscreen() const override { return glfwGetWindowMonitor(window_) != nullptr; }
    void reload_font_texture() override {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
        renderer_.invalidate();
    }

    Image read_window() const override {
        const auto [w, h] = framebuffer_size();
        return read_x11_window(glfwGetX11Display(), glfwGetX11Window(window_), w, h);
    }

    // Through the same callbacks GLFW calls for real input.
    void inject_key(TestKey key, bool down) override {
        ImGui_ImplGlfw_KeyCallback(window_, platform::glfw_key(key), 0, down ? GLFW_PRESS : GLFW_RELEASE, 0);
    }
    void inject_mouse(float x, float y, TestMouse action) override {
        glfwSetCursorPos(window_, x, y);
        ImGui_ImplGlfw_CursorEnterCallback(window_, GLFW_TRUE);
        if (action != TestMouse::move)
            ImGui_ImplGlfw_MouseButtonCallback(window_, GLFW_MOUSE_BUTTON_LEFT,
                                               action == TestMouse::press ? GLFW_PRESS : GLFW_RELEASE, 0);
    }

private:
    GLFWwindow* window_;
    int windowed_[4] = {0, 0, 1280, 800};  // x, y, width, height before full screen
};

}  // namespace

std::unique_ptr<Platform> open_glfw(const WindowOptions& options, OpenFailure& failure) {
    glfwSetErrorCallback(remember_error);
    if (!glfwInit()) {
        failure = {kExitRequirement, "strata: cannot open the display (" + g_last_glfw_error + ").\n" + no_display_message()};
        return nullptr;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, kGlMajor);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, kGlMinor);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    GLFWwindow* window = glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
    if (!window) {
        const std::string why = g_last_glfw_error;
        const std::string found = probe_default_gl_version();
        glfwTerminate();
        failure = {kExitRequirement, "strata: " + gl_too_old_message(found) + "\n(GLFW said: " + why + ")"};
        return nullptr;
    }
    glfwMakeContextCurrent(window);
    if (auto problem = gl_version_problem(); !problem.empty()) {
        glfwDestroyWindow(window);
        glfwTerminate();
        failure = {kExitRequirement, "strata: " + problem};
        return nullptr;
    }
    glfwSwapInterval(options.vsync ? 1 : 0);
    ImGui_ImplGlfw_InitForOpenGL(window, /*install_callbacks=*/true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    return std::make_unique<GlfwPlatform>(window);
}

}  // namespace strata::platform
