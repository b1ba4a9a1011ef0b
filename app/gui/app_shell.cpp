#include "app/gui/app_shell.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <imgui.h>

#include "app/gui/inspector_view.hpp"
#include "app/gui/machine_choice.hpp"
#include "app/gui/replay_banner.hpp"
#include "app/gui/text_fit.hpp"
#include "engine/trace_json.hpp"

namespace strata::gui {

namespace {

// Panels draw no background of their own: they tile the window, and the
// GL clear already paints their colour (Palette::window_background), so a
// software rasterizer does not shade every pixel twice.
constexpr ImGuiWindowFlags kPanel = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                    ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                    ImGuiWindowFlags_NoBackground;

// Places a panel; sizes never go below one pixel, so a tiny window squeezes
// panels instead of tripping ImGui's asserts.
bool begin_panel(const char* title, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra = 0) {
    ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)), ImGuiCond_Always);
    const bool open = ImGui::Begin(title, nullptr, kPanel | extra);
    // ImGui leaves out the border of a window without a background; draw
    // it where ImGui would (after the title bar, before the content).
    const ImGuiStyle& style = ImGui::GetStyle();
    if (style.WindowBorderSize > 0) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 min = ImGui::GetWindowPos();
        const ImVec2 max(min.x + ImGui::GetWindowWidth(), min.y + ImGui::GetWindowHeight());
        dl->PushClipRectFullScreen();
        dl->AddRect(min, max, ImGui::GetColorU32(ImGuiCol_Border), style.WindowRounding, 0, style.WindowBorderSize);
        dl->PopClipRect();
    }
    return open;
}

}  // namespace

namespace {

std::string student_name(const engine::Progress& progress) {
    return progress.student.empty() ? engine::default_student_name() : progress.student;
}

}  // namespace

AppShell::AppShell(const engine::Catalogue& catalogue, ShellOptions options, Controller::Wake wake)
    : catalogue_(catalogue),
      options_(std::move(options)),
      settings_(load_settings(options_.config_dir)),
      progress_(options_.state_dir),
      exercises_(progress_, engine::asset_dir(), student_name(progress_.progress())) {
    progress_.migrate(settings_.legacy_steps_completed, settings_.legacy_last_lesson, catalogue_);
    // A theme asked for on the command line is for both modes.
    if (options_.theme) settings_.theme = settings_.demo.theme = *options_.theme;
    // A text size asked for on the command line is for the mode it starts
    // in: with --demo, the demo's own (large) type.
    if (options_.font_scale) (options_.demo ? settings_.demo.font_scale : settings_.font_scale) = *options_.font_scale;
    ImGuiIO& io = ImGui::GetIO();
    if (options_.config_dir.empty()) io.IniFilename = nullptr;
    else {
        std::error_code ec;
        std::filesystem::create_directories(options_.config_dir, ec);
        ini_path_ = imgui_ini_file(options_.config_dir).string();
        io.IniFilename = ini_path_.c_str();
    }
    theme_ = make_theme(settings_.theme, ImGui::GetStyle());
    ImGui::GetStyle().ScaleAllSizes(std::max(1.0f, options_.dpi_scale));

    auto layout = load_diagram_layout(default_diagram_layout_path());
    if (layout) layout_ = std::move(*layout);
    else layout_problem_ = layout.error().describe();

    if (options_.replay_only && !options_.chooser) options_.chooser = replay_chooser();
    controller_ = std::make_unique<Controller>(catalogue_, wake, options_.chooser, options_.stepping);
    // Where the learner left off, unless told otherwise.
    const std::string first = !options_.lesson.empty() ? options_.lesson : progress_.progress().last_lesson;
    if (!first.empty() && catalogue_.find(first)) {
        current_lesson_ = first;
        controller_->submit({CommandKind::select_lesson, first});
    }
    if (options_.replay_only) {
        availability_ = replay_availability(catalogue_, options_.replay_why);
    } else if (options_.probe_machine) {
        probe_ = std::thread([this, wake] {
            // Measured once per launch, off the UI thread: opening /dev/kvm and
            // forking throwaway namespace children takes a moment.
            auto result = machine_availability(catalogue_);
            {
                std::lock_guard lock(availability_mutex_);
                availability_ = std::move(result);
            }
            if (wake) wake();
        });
    } else {
        availability_.skipped = true;
    }
    diagram_.loop = options_.loop_animation;
    settings_.demo.font_scale = std::clamp(settings_.demo.font_scale, 0.5f, 4.0f);
    if (options_.demo) set_demo(true);
}

void AppShell::set_demo(bool on) {
    demo_ = on;
    blank_ = false;
    theme_ = make_theme(active_theme(), ImGui::GetStyle());
    fonts_dirty_ = true;
    // Entering: full screen as the presenter last had it; leaving: windowed.
    fullscreen_request_ = on && settings_.demo.fullscreen && options_.allow_fullscreen;
}

unsigned AppShell::clear_colour() const {
    return demo_ && blank_ ? IM_COL32(0, 0, 0, 255) : theme_.palette.window_background;
}

AppShell::~AppShell() {
    // ImGui writes its ini again when its context goes, after this shell:
    // write it now and take the path away, since ini_path_ (which
    // io.IniFilename points into) dies with the shell.
    if (ImGui::GetCurrentContext() && !ini_path_.empty()) {
        ImGui::SaveIniSettingsToDisk(ini_path_.c_str());
        ImGui::GetIO().IniFilename = nullptr;
    }
    if (probe_.joinable()) probe_.join();
    controller_.reset();  // cancels and joins the worker before views go
}

void AppShell::load_fonts() {
    fonts_ = gui::load_fonts(ImGui::GetIO(), font_pixels(options_.dpi_scale, active_font_scale()));
    fonts_dirty_ = false;
}

std::string AppShell::status_problem() const {
    std::string text = fonts_.problem;
    if (!layout_problem_.empty()) text += (text.empty() ? "" : "; ") + layout_problem_;
    if (!progress_.problem().empty()) text += (text.empty() ? "" : "; ") + progress_.problem();
    return text;
}

bool AppShell::availability_ready() const {
    std::lock_guard lock(availability_mutex_);
    return availability_.probed || availability_.skipped;
}

void AppShell::save(int window_width, int window_height) {
    settings_.window_width = window_width;
    settings_.window_height = window_height;
    save_settings(options_.config_dir, settings_);
}

void AppShell::track_snapshot(const std::shared_ptr<const engine::Snapshot>& snapshot) {
    if (snapshot == shown_) return;
    const bool same_lesson = snapshot && shown_ && snapshot->lesson == shown_->lesson;
    if (!snapshot || !same_lesson) previous_facts_ = {};
    else if (snapshot->current_step != shown_->current_step) previous_facts_ = shown_->facts;
    // Verdicts for predictions whose step just ran, challenge runs that
    // ended, and the steps done, saved to progress as they happen.
    exercises_.observe(snapshot);
    shown_ = snapshot;
}

void AppShell::lock_prediction(const std::string& exercise, const std::string& choice) {
    track_snapshot(controller_->snapshot());
    Command c{CommandKind::answer_prediction, exercise};
    c.value = choice;
    apply(c, shown_.get());
}

void AppShell::apply(const Command& c, const engine::Snapshot* snapshot) {
    if (c.kind == CommandKind::answer_prediction || c.kind == CommandKind::start_challenge) {
        if (auto run = exercises_.apply(c, snapshot)) controller_->submit(*run);
        return;
    }
    if (c.is_lesson_command()) {
        if (c.kind == CommandKind::select_lesson) {
            current_lesson_ = c.text;
            timeline_.filter.layer.reset();
            autoplay_ = false;
        }
        controller_->submit(c);
        return;
    }
    switch (c.kind) {
        case CommandKind::toggle_autoplay:
            autoplay_ = !autoplay_;
            last_auto_step_ = 0;
            break;
        case CommandKind::set_autoplay_speed: settings_.autoplay_steps_per_second = std::clamp(c.number, 0.1, 4.0); break;
        case CommandKind::filter_layer: timeline_.filter.layer = c.layer; break;
        case CommandKind::export_trace: {
            if (!snapshot || !snapshot->lesson) break;
            std::ofstream out(c.text);
            out << engine::to_chrome_trace(snapshot->events, *snapshot->lesson).dump(1) << '\n';
            out.close();
            timeline_.export_message = out ? fmt::format("saved {} events to {}", snapshot->events.size(), c.text)
                                           : fmt::format("could not write {}", c.text);
            if (out && options_.offer_file) options_.offer_file(c.text);
            break;
        }
        case CommandKind::font_bigger:
        case CommandKind::font_smaller: {
            // Demo mode's + and - change its own size, never the everyday one.
            float& scale = demo_ ? settings_.demo.font_scale : settings_.font_scale;
            scale = c.kind == CommandKind::font_bigger ? std::min(scale * 1.15f, 4.0f) : std::max(scale / 1.15f, 0.5f);
            fonts_dirty_ = true;
            break;
        }
        case CommandKind::set_theme:
            (demo_ ? settings_.demo.theme : settings_.theme) = c.text;
            theme_ = make_theme(c.text, ImGui::GetStyle());
            break;
        case CommandKind::open_link:
            link_message_ = options_.open_link ? options_.open_link(c.text) : open_with_xdg_open(c.text);
            break;
        case CommandKind::toggle_demo: set_demo(!demo_); break;
        case CommandKind::toggle_fullscreen:
            fullscreen_request_ = !fullscreen_;
            if (demo_) settings_.demo.fullscreen = !fullscreen_;
            break;
        case CommandKind::toggle_blank: blank_ = demo_ && !blank_; break;
        case CommandKind::toggle_notes: settings_.demo.notes = !settings_.demo.notes; break;
        default: break;
    }
}

void AppShell::menu_bar() {
    if (!ImGui::BeginMainMenuBar()) return;
    Commands commands;
    if (ImGui::BeginMenu("View")) {
        for (auto key : theme_keys())
            if (ImGui::MenuItem(std::string(key).c_str(), nullptr, theme_.key == key))
                commands.push_back({CommandKind::set_theme, std::string(key)});
        ImGui::Separator();
        if (ImGui::MenuItem("Larger text", "Ctrl +")) commands.push_back({CommandKind::font_bigger});
        if (ImGui::MenuItem("Smaller text", "Ctrl -")) commands.push_back({CommandKind::font_smaller});
        ImGui::Separator();
        if (ImGui::MenuItem("Demo mode (presenting)", nullptr, demo_)) commands.push_back({CommandKind::toggle_demo});
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Full screen, large type, the diagram first; presenter keys.\nEsc leaves it. Also: strata --demo");
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        ImGui::TextUnformatted("Space / →   step\n←           step back (restart and replay)\nEnd         run to end\n"
                               "Home / R    restart\nP           auto-play\nEsc         cancel a running step\n"
                               "Ctrl + / -  text size\nDrag the borders between panels to resize them.");
        ImGui::EndMenu();
    }
    std::string problem = status_problem() + controller_->last_problem();
    // Status text takes what is left of the bar, cut in the middle (whole
    // on hover) rather than at the window's edge.
    if (!link_message_.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        fitted_text(link_message_);
        ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    if (!problem.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme_.palette.failed);
        fitted_text(problem);
        ImGui::PopStyleColor();
    }
    ImGui::EndMainMenuBar();
    for (const auto& c : commands) apply(c, shown_.get());
}

FrameOutcome AppShell::frame(double now) {
    controller_->pump();  // Stepping::frame_loop: the queued command runs here
    track_snapshot(controller_->snapshot());
    if (controller_->busy()) idle_since_ = now;
    FrameOutcome outcome = demo_ ? demo_frame(now) : normal_frame(now);
    if (fullscreen_request_) {
        outcome.fullscreen = fullscreen_request_;
        fullscreen_request_.reset();
    }
    return outcome;
}

FrameOutcome AppShell::normal_frame(double now) {
    FrameOutcome outcome;
    const engine::Snapshot* snap = shown_.get();
    const bool busy = controller_->busy();
    Commands commands;

    menu_bar();
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float top = ImGui::GetFrameHeight();
    const PanelLayout panels = panel_layout(display, top, settings_.panels, ImGui::GetFontSize());
    auto place = [](const ImRect& r) { return std::pair{r.Min, r.GetSize()}; };

    if (auto [pos, size] = place(panels.navigator); begin_panel("Lessons", pos, size)) {
        LessonAvailability availability;
        {
            std::lock_guard lock(availability_mutex_);
            availability = availability_;
        }
        auto c = navigator_view(catalogue_, availability, progress_.steps_done(), current_lesson_, theme_.palette);
        commands.insert(commands.end(), c.begin(), c.end());
    }
    ImGui::End();

    diagram_frame_ = {};
    narrative_banner_.reset();
    diagram_.highlight = timeline_.hovered;  // last frame's hovered row
    if (auto [pos, size] = place(panels.diagram);
        begin_panel("Layers", pos, size, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        const auto banner = replay_banner(snap, theme_.palette);
        if (layout_) {
            auto c = diagram_view(snap, *layout_, theme_.palette, diagram_, timeline_.filter.layer, now, &diagram_frame_);
            commands.insert(commands.end(), c.begin(), c.end());
            diagram_frame_.replay_banner = banner;
        } else {
            ImGui::TextWrapped("The diagram cannot be drawn: %s", layout_problem_.c_str());
        }
    }
    ImGui::End();

    // Narrower than its toolbar's widest control, the panel scrolls sideways.
    if (auto [pos, size] = place(panels.timeline); begin_panel("Timeline", pos, size, ImGuiWindowFlags_HorizontalScrollbar)) {
        auto c = timeline_view(snap, theme_.palette, timeline_);
        commands.insert(commands.end(), c.begin(), c.end());
    }
    ImGui::End();

    const ControlsInput controls{busy, autoplay_, settings_.autoplay_steps_per_second};
    if (auto [pos, size] = place(panels.narrative); begin_panel("Narrative", pos, size)) {
        narrative_banner_ = replay_banner(snap, theme_.palette);
        auto c = controls_view(snap, controls, options_.keys);
        commands.insert(commands.end(), c.begin(), c.end());
        ImGui::Separator();
        exercises_.settle(busy, controller_->last_problem());
        auto e = exercise_view(snap, exercises_.panel(), busy, fonts_, theme_.palette, exercise_edits_);
        commands.insert(commands.end(), e.begin(), e.end());
        if (begin_text_child("narrative-text")) {
            auto links = narrative_view(snap, fonts_, theme_.palette, narrative_);
            commands.insert(commands.end(), links.begin(), links.end());
        }
        ImGui::EndChild();
    }
    ImGui::End();

    if (auto [pos, size] = place(panels.inspectors); begin_panel("Inspectors", pos, size)) {
        const ShellState shell = controller_->shell_state();
        // The console comes to the front once, when a shell opens.
        const bool show_console = shell.running && !shell_was_running_;
        shell_was_running_ = shell.running;
        // A lesson's `inspector:` tab, read once when it opens.
        const ExercisePanel& panel = exercises_.panel();
        if (snap && snap->lesson && panel.lesson_id == snap->lesson->id && inspector_tabs_.lesson != panel.lesson_id) {
            inspector_tabs_.lesson = panel.lesson_id;
            inspector_tabs_.first = panel.exercises ? panel.exercises->first_inspector : "";
            inspector_tabs_.first_tries = 0;
        }
        auto c = inspector_view(snap, &previous_facts_, fonts_, theme_.palette, shell, console_, inspector_tabs_, show_console);
        commands.insert(commands.end(), c.begin(), c.end());
    }
    ImGui::End();

    // Splitters last, over the panels' borders; a finished drag is saved.
    if (panel_splitters(display, top, settings_.panels, ImGui::GetFontSize())) save_settings(options_.config_dir, settings_);

    for (const auto& c : commands) apply(c, snap);

    // Auto-play: a step whenever the previous one finished and the interval passed.
    if (autoplay_ && snap && snap->finished) autoplay_ = false;
    if (autoplay_ && !busy) {
        const double interval = 1.0 / std::max(settings_.autoplay_steps_per_second, 0.1);
        const double due = last_auto_step_ + interval;
        if (now >= due) {
            apply({CommandKind::step}, snap);
            last_auto_step_ = now;
        } else {
            outcome.wake_in_seconds = due - now;
        }
    }
    outcome.animating = diagram_frame_.animating;
    return outcome;
}

}  // namespace strata::gui
