// The GUI's subcommands for the CLI (app/cli/cli.cpp wires them in when
// built with STRATA_HAVE_GUI): `strata gui` and `strata screenshot`.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "app/cli/commands.hpp"

namespace strata::gui {

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
