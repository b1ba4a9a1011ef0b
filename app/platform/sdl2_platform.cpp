// The SDL2 platform layer (`--platform sdl2`): the same app on SDL2 with
// an OpenGL 3.3 core context and ImGui's SDL2 and OpenGL3 backends.
#include <algorithm>

#include <GL/gl.h>
#include <SDL.h>
#include <SDL_syswm.h>
#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>

#include "app/platform/gl_check.hpp"
#include "app/platform/glx_copy.hpp"
#include "app/platform/platform.hpp"

namespace strata::platform {

namespace {

std::string probe_default_gl_version(SDL_Window* window) {
    SDL_GL_ResetAttributes();
    SDL_GLContext context = SDL_GL_CreateContext(window);
    if (!context) return {};
    std::string version = current_gl_version();
    SDL_GL_DeleteContext(context);
    return version;
}

class Sdl2Platform final : public Platform {
public:
    Sdl2Platform(SDL_Window* window, SDL_GLContext context, Uint32 wake_event)
        : window_(window), context_(context), wake_event_(wake_event) {
        SDL_SysWMinfo info;
        SDL_VERSION(&info.version);
        if (SDL_GetWindowWMInfo(window_, &info) && info.subsystem == SDL_SYSWM_X11)
            renderer_.enable_partial_frames(partial_frame_presenter(info.info.x11.display, info.info.x11.window));
    }
    ~Sdl2Platform() override {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplSDL2_Shutdown();
        SDL_GL_DeleteContext(context_);
        SDL_DestroyWindow(window_);
        SDL_Quit();
    }

    void new_frame() override {
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplSDL2_NewFrame();
    }
    void render(unsigned rgba) override {
        const auto [w, h] = framebuffer_size();
        renderer_.render(ImGui::GetDrawData(), w, h, rgba);
    }
    void swap() override {
        renderer_.present([this] { SDL_GL_SwapWindow(window_); });
    }
    void wait_events(double timeout) override {
        SDL_Event event;
        bool have = false;
        if (timeout < 0) have = SDL_WaitEvent(&event) != 0;
        else if (timeout > 0) have = SDL_WaitEventTimeout(&event, static_cast<int>(timeout * 1000.0 + 0.5)) != 0;
        if (have) handle(event);
        while (SDL_PollEvent(&event)) handle(event);
    }
    void wake() override {
        SDL_Event event{};
        event.type = wake_event_;
        SDL_PushEvent(&event);  // thread-safe, by SDL's documentation
    }
    bool should_close() const override { return close_; }
    std::pair<int, int> window_size() const override {
        int w = 0, h = 0;
        SDL_GetWindowSize(window_, &w, &h);
        return {w, h};
    }
    std::pair<int, int> framebuffer_size() const override {
        int w = 0, h = 0;
        SDL_GL_GetDrawableSize(window_, &w, &h);
        return {w, h};
    }
    float dpi_scale() const override {
        float ddpi = 0;
        const int display = SDL_GetWindowDisplayIndex(window_);
        if (display >= 0 && SDL_GetDisplayDPI(display, &ddpi, nullptr, nullptr) == 0 && ddpi > 0) {
            const float scale = ddpi / 96.0f;
            // X servers often report nonsense DPI (Xvfb: 0 or 96); only
            // trust values in a plausible range.
            if (scale >= 1.0f && scale <= 4.0f) return scale;
        }
        return 1.0f;
    }
    gui::KeyMap key_map() const override {
        gui::KeyMap keys{SDL_SCANCODE_P,       SDL_SCANCODE_R,     SDL_SCANCODE_EQUALS,
                         SDL_SCANCODE_KP_PLUS, SDL_SCANCODE_MINUS, SDL_SCANCODE_KP_MINUS};
        keys.blank = SDL_SCANCODE_B;
        keys.fullscreen = SDL_SCANCODE_F;
        keys.notes = SDL_SCANCODE_N;
        keys.digits[0] = SDL_SCANCODE_0;
        for (int d = 1; d <= 9; ++d) keys.digits[d] = SDL_SCANCODE_1 + (d - 1);  // SDL: 1..9, then 0
        return keys;
    }
    void set_fullscreen(bool on) override {
        if (on == fullscreen()) return;
        if (on) {
            SDL_GetWindowPosition(window_, &windowed_[0], &windowed_[1]);
            SDL_GetWindowSize(window_, &windowed_[2], &windowed_[3]);
        }
        SDL_SysWMinfo info;
        SDL_VERSION(&info.version);
        const bool x11 = SDL_GetWindowWMInfo(window_, &info) && info.subsystem == SDL_SYSWM_X11;
        if (x11 && !x11_window_manager_running(info.info.x11.display)) {
            // SDL asks the window manager for full screen; without one
            // (Xvfb, a bare kiosk X server) the window would keep its size
            // while SDL reports the display's. A borderless window covering
            // the display is what full screen means there.
            SDL_Rect bounds{0, 0, windowed_[2], windowed_[3]};
            SDL_GetDisplayBounds(std::max(0, SDL_GetWindowDisplayIndex(window_)), &bounds);
            SDL_SetWindowBordered(window_, on ? SDL_FALSE : SDL_TRUE);
            if (on) {
                SDL_SetWindowPosition(window_, bounds.x, bounds.y);
                SDL_SetWindowSize(window_, bounds.w, bounds.h);
            } else {
                SDL_SetWindowSize(window_, windowed_[2], windowed_[3]);
                SDL_SetWindowPosition(window_, windowed_[0], windowed_[1]);
            }
            covering_display_ = on;
        } else {
            SDL_SetWindowFullscreen(window_, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        }
        renderer_.invalidate();
    }
    bool fullscreen() const override {
        return covering_display_ || (SDL_GetWindowFlags(window_) & SDL_WINDOW_FULLSCREEN) != 0;
    }
    void reload_font_texture() override {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
        renderer_.invalidate();
    }

    Image read_window() const override {
        SDL_SysWMinfo info;
        SDL_VERSION(&info.version);
        if (!SDL_GetWindowWMInfo(window_, &info) || info.subsystem != SDL_SYSWM_X11) return {};
        const auto [w, h] = framebuffer_size();
        return read_x11_window(info.info.x11.display, info.info.x11.window, w, h);
    }

    // Through SDL's own event queue, like real input.
    void inject_key(TestKey key, bool down) override {
        SDL_Event event{};
        event.type = down ? SDL_KEYDOWN : SDL_KEYUP;
        event.key.windowID = SDL_GetWindowID(window_);
        event.key.state = down ? SDL_PRESSED : SDL_RELEASED;
        event.key.keysym.scancode = scancode(key);
        event.key.keysym.sym = SDL_GetKeyFromScancode(event.key.keysym.scancode);
        SDL_PushEvent(&event);
    }
    void inject_mouse(float x, float y, TestMouse action) override {
        SDL_WarpMouseInWindow(window_, static_cast<int>(x), static_cast<int>(y));
        if (action == TestMouse::move) return;
        const bool down = action == TestMouse::press;
        SDL_Event event{};
        event.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
        event.button.windowID = SDL_GetWindowID(window_);
        event.button.button = SDL_BUTTON_LEFT;
        event.button.state = down ? SDL_PRESSED : SDL_RELEASED;
        event.button.x = static_cast<int>(x);
        event.button.y = static_cast<int>(y);
        SDL_PushEvent(&event);
    }

private:
    static SDL_Scancode scancode(TestKey key) {
        switch (key) {
            case TestKey::space: return SDL_SCANCODE_SPACE;
            case TestKey::right: return SDL_SCANCODE_RIGHT;
            case TestKey::left: return SDL_SCANCODE_LEFT;
            case TestKey::end: return SDL_SCANCODE_END;
            case TestKey::home: return SDL_SCANCODE_HOME;
            case TestKey::escape: return SDL_SCANCODE_ESCAPE;
            case TestKey::p: return SDL_SCANCODE_P;
            case TestKey::page_down: return SDL_SCANCODE_PAGEDOWN;
            case TestKey::page_up: return SDL_SCANCODE_PAGEUP;
            case TestKey::b: return SDL_SCANCODE_B;
            case TestKey::f: return SDL_SCANCODE_F;
            case TestKey::n: return SDL_SCANCODE_N;
            case TestKey::digit_2: return SDL_SCANCODE_2;
            case TestKey::plus: return SDL_SCANCODE_EQUALS;
            case TestKey::minus: return SDL_SCANCODE_MINUS;
        }
        return SDL_SCANCODE_UNKNOWN;
    }
    void handle(const SDL_Event& event) {
        ImGui_ImplSDL2_ProcessEvent(&event);
        if (event.type == SDL_QUIT) close_ = true;
        // Uncovered or resized: the next frame is shown whole.
        if (event.type == SDL_WINDOWEVENT &&
            (event.window.event == SDL_WINDOWEVENT_EXPOSED || event.window.event == SDL_WINDOWEVENT_SIZE_CHANGED))
            renderer_.invalidate();
        if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
            event.window.windowID == SDL_GetWindowID(window_))
            close_ = true;
    }

    SDL_Window* window_;
    SDL_GLContext context_;
    Uint32 wake_event_;
    bool close_ = false;
    int windowed_[4] = {0, 0, 1280, 800};  // x, y, width, height before full screen
    bool covering_display_ = false;          // "full screen" without a window manager
};

}  // namespace

std::unique_ptr<Platform> open_sdl2(const WindowOptions& options, OpenFailure& failure) {
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        failure = {kExitRequirement, std::string("strata: cannot open the display (SDL: ") + SDL_GetError() + ").\n" +
                                         no_display_message()};
        return nullptr;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, kGlMajor);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, kGlMinor);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_Window* window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                          options.width, options.height,
                                          SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!window) {
        failure = {kExitRequirement, std::string("strata: SDL cannot create an OpenGL window: ") + SDL_GetError()};
        SDL_Quit();
        return nullptr;
    }
    SDL_GLContext context = SDL_GL_CreateContext(window);
    if (!context) {
        const std::string why = SDL_GetError();
        const std::string found = probe_default_gl_version(window);
        SDL_DestroyWindow(window);
        SDL_Quit();
        failure = {kExitRequirement, "strata: " + gl_too_old_message(found) + "\n(SDL said: " + why + ")"};
        return nullptr;
    }
    SDL_GL_MakeCurrent(window, context);
    if (auto problem = gl_version_problem(); !problem.empty()) {
        SDL_GL_DeleteContext(context);
        SDL_DestroyWindow(window);
        SDL_Quit();
        failure = {kExitRequirement, "strata: " + problem};
        return nullptr;
    }
    SDL_GL_SetSwapInterval(options.vsync ? 1 : 0);
    const Uint32 wake_event = SDL_RegisterEvents(1);
    ImGui_ImplSDL2_InitForOpenGL(window, context);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    return std::make_unique<Sdl2Platform>(window, context, wake_event);
}

}  // namespace strata::platform
