// The app shell: lays out the panels, runs the views on the latest snapshot
// and carries out the commands they return. Platform code (app/platform)
// owns the window and GL and calls frame() between NewFrame and Render.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/gui/controller.hpp"
#include "app/gui/console_view.hpp"
#include "app/gui/controls_view.hpp"
#include "app/gui/demo_mode.hpp"
#include "app/gui/diagram_layout.hpp"
#include "app/gui/diagram_view.hpp"
#include "app/gui/exercise_tracker.hpp"
#include "app/gui/exercise_view.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/inspector_view.hpp"
#include "app/gui/link_opener.hpp"
#include "app/gui/narrative_view.hpp"
#include "app/gui/navigator_view.hpp"
#include "app/gui/settings.hpp"
#include "app/gui/theme.hpp"
#include "app/gui/timeline_view.hpp"

namespace strata::gui {

struct ShellOptions {
    std::string lesson;                   // open this lesson first (else the last one)
    std::optional<std::string> theme;     // overrides the saved theme
    std::optional<float> font_scale;      // overrides the saved scale
    float dpi_scale = 1.0f;               // from the platform
    KeyMap keys;                          // from the platform
    std::filesystem::path config_dir;     // settings + imgui.ini; empty: remember nothing
    std::filesystem::path state_dir;      // the learner's progress; empty: kept in memory only
    bool probe_machine = true;            // tests skip the (forking) machine probe
    bool replay_only = false;             // every lesson replays its shipped recording, no probe (--replay)
    // Why, in the navigator's words, when replay_only.
    std::string replay_why = "every lesson plays the recording of a real run here (strata gui --replay)";
    Stepping stepping = Stepping::worker_thread;  // frame_loop where there are no threads (the browser)
    bool loop_animation = false;          // the benchmark keeps the diagram moving
    Chooser chooser;                      // live or replay; empty: measured on this machine
    bool demo = false;                    // start in demo mode (strata --demo)
    double auto_advance = 0;              // demo mode: seconds between steps, looping (0: off)
    bool allow_fullscreen = true;         // false: demo mode stays windowed (screenshots, tests)
    LinkOpener open_link;                 // empty: xdg-open
    // Called with a file the learner asked to save once it is written (a
    // Chrome trace): the browser edition hands it over as a download.
    // Empty: the file stays where it was written, as the message says.
    std::function<void(const std::filesystem::path&)> offer_file;
};

// What demo mode drew this frame, for tests and screenshots.
struct DemoFrame {
    DemoLayout layout;
    bool blank = false;
    std::optional<ImRect> error;  // the inline error on the diagram, when one shows
    std::string caption;          // the caption's first line
};

// What the platform loop should do after a frame.
struct FrameOutcome {
    bool animating = false;       // redraw at display rate
    double wake_in_seconds = -1;  // redraw after this long even without events (-1: only on events)
    std::optional<bool> fullscreen;  // the platform should enter (true) or leave full screen
};

class AppShell {
public:
    // `wake` must be callable from any thread: it makes the platform's
    // event wait return (glfwPostEmptyEvent, SDL_PushEvent).
    AppShell(const engine::Catalogue& catalogue, ShellOptions options, Controller::Wake wake);
    ~AppShell();

    // (Re)loads the fonts into ImGui's atlas at the current scale; the
    // platform uploads the atlas afterwards. Needed before the first frame
    // and whenever fonts_dirty() says so (Ctrl +/-).
    void load_fonts();
    bool fonts_dirty() const { return fonts_dirty_; }

    FrameOutcome frame(double now);
    // Locks in a prediction as the exercise panel's button does
    // (`strata screenshot --answer`, tests).
    void lock_prediction(const std::string& exercise, const std::string& choice);
    // Saves settings (theme, font scale, window size, progress).
    void save(int window_width, int window_height);

    Controller& controller() { return *controller_; }
    const Palette& palette() const { return theme_.palette; }
    const FontSet& fonts() const { return fonts_; }
    const DiagramFrame& last_diagram() const { return diagram_frame_; }
    // Where the replay banner was drawn in the narrative panel this frame.
    std::optional<ImRect> narrative_banner() const { return narrative_banner_; }
    const TimelineViewState& timeline() const { return timeline_; }
    const Settings& settings() const { return settings_; }
    const GuiProgress& progress() const { return progress_; }
    // Progress exported elsewhere, merged in (GuiProgress::import_text).
    std::string import_progress(std::string_view text) { return progress_.import_text(text); }
    const ExercisePanel& exercises() const { return exercises_.panel(); }
    const ExerciseEditState& exercise_edits() const { return exercise_edits_; }
    const InspectorTabs& inspector_tabs() const { return inspector_tabs_; }
    std::string status_problem() const;  // font or layout problems, for the status line
    // The machine probe finished (navigator availability is known).
    bool availability_ready() const;
    void set_loop_animation(bool loop) { diagram_.loop = loop; }
    // Diagram drawn as after its animation (screenshots, pixel tests).
    void set_still_diagram(bool still) { diagram_.still = still; }

    // The colour the platform clears to: the panels' background, or black
    // while demo mode blanks the screen.
    unsigned clear_colour() const;
    bool demo() const { return demo_; }
    bool blank() const { return blank_; }
    const DemoFrame& last_demo() const { return demo_frame_; }
    // The platform reports whether the window is full screen now.
    void set_fullscreen_state(bool on) { fullscreen_ = on; }

private:
    void apply(const Command& command, const engine::Snapshot* snapshot);
    void track_snapshot(const std::shared_ptr<const engine::Snapshot>& snapshot);
    void menu_bar();
    FrameOutcome normal_frame(double now);
    FrameOutcome demo_frame(double now);  // demo_shell.cpp
    void set_demo(bool on);
    float active_font_scale() const { return demo_ ? settings_.demo.font_scale : settings_.font_scale; }
    const std::string& active_theme() const { return demo_ ? settings_.demo.theme : settings_.theme; }

    const engine::Catalogue& catalogue_;
    ShellOptions options_;
    Settings settings_;
    std::string ini_path_;  // must outlive ImGui's use of it
    Theme theme_;
    FontSet fonts_;
    bool fonts_dirty_ = true;
    std::optional<DiagramLayout> layout_;
    std::string layout_problem_;

    GuiProgress progress_;
    ExerciseTracker exercises_;
    ExerciseEditState exercise_edits_;

    std::unique_ptr<Controller> controller_;
    std::shared_ptr<const engine::Snapshot> shown_;
    engine::Facts previous_facts_;  // before the current step
    std::string current_lesson_;

    DiagramViewState diagram_;
    DiagramFrame diagram_frame_;
    std::optional<ImRect> narrative_banner_;
    TimelineViewState timeline_;
    NarrativeViewState narrative_;
    ConsoleViewState console_;
    InspectorTabs inspector_tabs_;
    bool shell_was_running_ = false;
    bool autoplay_ = false;
    double last_auto_step_ = 0;

    bool demo_ = false;
    bool blank_ = false;
    bool fullscreen_ = false;
    std::optional<bool> fullscreen_request_;
    double idle_since_ = 0;  // when the controller last went idle (auto-advance)
    DemoFrame demo_frame_;
    NarrativeViewState notes_;  // the speaker notes' own scroll state
    std::string link_message_;

    mutable std::mutex availability_mutex_;
    LessonAvailability availability_;
    std::thread probe_;
};

}  // namespace strata::gui
