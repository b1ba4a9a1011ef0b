// What the window remembers between runs: theme, font scale, window size,
// the panel splits and demo mode's own settings. Stored as JSON in the XDG
// config dir ($XDG_CONFIG_HOME/strata, else ~/.config/strata) next to
// ImGui's own ini (table column widths), never in the working directory.
// The learner's progress and where they left off are not settings: they
// live in $XDG_STATE_HOME (engine/progress_store).
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "app/gui/panel_splits.hpp"

namespace strata::gui {

// Demo mode's own settings (demo_mode.hpp), remembered apart from the
// normal window's: presenting never changes the everyday text size or theme.
struct DemoSettings {
    std::string theme = "high-contrast";
    float font_scale = 2.0f;  // about 2x the normal text; + and - change it live
    bool fullscreen = true;
    bool notes = false;       // the speaker-notes column shown
};

struct Settings {
    std::string theme = "dark";
    float font_scale = 1.0f;
    int window_width = 1280;
    int window_height = 800;
    double autoplay_steps_per_second = 0.5;
    // Read from files of older stratas, which kept progress here, so that
    // it can move to the progress file (gui_progress.hpp); never written.
    std::string legacy_last_lesson;
    std::map<std::string, int> legacy_steps_completed;  // lesson id -> most steps done
    PanelSplits panels;  // where the user dragged the splitters
    DemoSettings demo;
};

// $XDG_CONFIG_HOME/strata or ~/.config/strata (or empty when neither is set).
std::filesystem::path config_dir();
std::filesystem::path settings_file(const std::filesystem::path& dir);
std::filesystem::path imgui_ini_file(const std::filesystem::path& dir);

// Defaults for anything missing or malformed: a broken file never stops the app.
Settings load_settings(const std::filesystem::path& dir);
// Creates the directory; returns false (and leaves the old file) on failure.
bool save_settings(const std::filesystem::path& dir, const Settings& settings);

}  // namespace strata::gui
