#include "app/platform/run_loop.hpp"

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <thread>

#include <imgui.h>

#include "app/platform/pin_libraries.hpp"
#include "engine/stop_request.hpp"

namespace strata::platform {

namespace {

double monotonic_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr double kFrameInterval = 1.0 / 60.0;

}  // namespace

std::unique_ptr<Gui> Gui::open(const engine::Catalogue& catalogue, Backend backend, const WindowOptions& window,
                               gui::ShellOptions shell, OpenFailure& failure) {
    std::unique_ptr<Gui> gui(new Gui);
    gui->opened_ = monotonic_seconds();
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    gui->platform_ = open_platform(backend, window, failure);
    if (!gui->platform_) {
        ImGui::DestroyContext();
        return nullptr;
    }
    Platform* platform = gui->platform_.get();
    shell.dpi_scale = platform->dpi_scale();
    shell.keys = platform->key_map();
    gui->shell_ = std::make_unique<gui::AppShell>(catalogue, std::move(shell), [platform] { platform->wake(); });
    gui->shell_->load_fonts();
    if (!gui->shell_->fonts().problem.empty()) std::fprintf(stderr, "strata: %s\n", gui->shell_->fonts().problem.c_str());
    return gui;
}

Gui::~Gui() {
    if (shell_) {
        const auto [w, h] = platform_->window_size();
        shell_->save(w, h);
    }
    // The shell (and its controller's worker) goes first, then the
    // backends, then the ImGui context they were attached to.
    shell_.reset();
    pin_loaded_libraries_for_leak_reports();
    platform_.reset();
    if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
}

double Gui::seconds() const { return monotonic_seconds() - opened_; }

gui::FrameOutcome Gui::render_frame(bool capture) {
    if (shell_->fonts_dirty()) {
        shell_->load_fonts();
        platform_->reload_font_texture();
    }
    const double t0 = monotonic_seconds();
    platform_->new_frame();
    if (ignore_pointer_) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
    shell_->set_fullscreen_state(platform_->fullscreen());
    const gui::FrameOutcome outcome = shell_->frame(ImGui::GetTime());
    ImGui::Render();
    const double t1 = monotonic_seconds();
    platform_->render(shell_->clear_colour());
    if (capture) {
        const auto [w, h] = platform_->framebuffer_size();
        capture_ = read_back_buffer(w, h);
    }
    const double t2 = monotonic_seconds();
    platform_->swap();
    times_ = {t1 - t0, t2 - t1, monotonic_seconds() - t2};
    ++frames_;
    if (outcome.fullscreen) platform_->set_fullscreen(*outcome.fullscreen);
    return outcome;
}

bool Gui::settle(double timeout_seconds) {
    const double deadline = seconds() + timeout_seconds;
    // A few frames after the controller went idle: ImGui lays out new
    // content on the frame after it first sees it.
    int quiet_frames = 0;
    std::uint64_t generation = shell_->controller().generation();
    while (seconds() < deadline && !engine::stop_requested()) {
        platform_->wait_events(0);
        render_frame();
        const std::uint64_t now = shell_->controller().generation();
        const bool idle = !shell_->controller().busy();
        quiet_frames = (idle && now == generation) ? quiet_frames + 1 : 0;
        generation = now;
        if (quiet_frames >= 3) return true;
        if (!idle) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

int Gui::run(double max_seconds) {
    // Redraw only when something happened: input, a wake from the worker,
    // an animation running, or auto-play due. Otherwise block in the
    // platform's event wait, so an idle window uses no CPU.
    int extra_frames = 2;
    const double until = max_seconds < 0 ? -1 : seconds() + max_seconds;
    double next_frame = seconds();
    // A stop request (SIGINT, SIGTERM, SIGHUP) closes the window as its
    // close button would: the wait below is woken, the loop ends, and the
    // shell's controller cancels and destroys the lesson on the way out.
    Platform* platform = platform_.get();
    const engine::StopHook stop([platform] { platform->wake(); });
    while (!platform_->should_close() && !engine::stop_requested() && (until < 0 || seconds() < until)) {
        const gui::FrameOutcome outcome = render_frame();
        if (outcome.animating || extra_frames > 0 || shell_->fonts_dirty()) {
            if (extra_frames > 0) --extra_frames;
            // Pace to 60 fps even when the swap does not block (Xvfb, and
            // llvmpipe without swap control): frames are due on a fixed
            // schedule, so a sleep that overshoots is made up next frame.
            next_frame = std::max(next_frame + kFrameInterval, seconds() - kFrameInterval);
            const double left = next_frame - seconds();
            if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double>(left));
            platform_->wait_events(0);
        } else {
            next_frame = seconds() + kFrameInterval;
            double wait = outcome.wake_in_seconds;
            if (until >= 0) wait = wait < 0 ? until - seconds() : std::min(wait, until - seconds());
            platform_->wait_events(std::max(wait, 0.0));
            extra_frames = 1;  // ImGui settles hover/click state on the next frame
        }
    }
    return kExitOk;
}

}  // namespace strata::platform
