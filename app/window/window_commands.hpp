// The window's commands: `strata gui`, `strata screenshot`, `strata --demo`
// and the window that `strata` opens by itself on a display. They join the
// views (app/gui) to a platform (app/platform); app/main.cpp hands them to
// the CLI, which does not link the GUI.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "app/cli/commands.hpp"
#include "app/cli/window_hook.hpp"

namespace strata::gui {

// All of the below, for cli::main.
cli::WindowCommands window_commands();

cli::Command add_gui(CLI::App& app);
cli::Command add_screenshot(CLI::App& app);
// `strata` with no arguments opens the GUI when a display is present.
bool display_present();
int run_gui_default();
// `strata --demo [--auto-advance S]`: adds the options to the top-level
// app; the returned function opens the demo window when they were given
// and returns -1 when they were not.
std::function<int()> add_demo_launch(CLI::App& app);

}  // namespace strata::gui
