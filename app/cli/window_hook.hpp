// What the window adds to the command line. The CLI does not link the GUI:
// the strata executable (app/main.cpp) hands these in when it is built
// with the window (app/window), so a CLI-only strata and the CLI's tests
// build without ImGui, GL or a display library.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/cli/commands.hpp"

namespace strata::cli {

struct WindowCommands {
    // Subcommands registered like the CLI's own: `gui`, `screenshot`.
    std::vector<std::pair<const char*, std::function<Command(CLI::App&)>>> subcommands;
    // Adds top-level options (`strata --demo`); the function it returns
    // opens the window they ask for, or returns -1 when none was given.
    std::function<std::function<int()>(CLI::App&)> add_top_level_options;
    // `strata` with no subcommand: the window when there is a display, or
    // -1 to fall back to the terminal's tour.
    std::function<int()> open_by_default;
};

}  // namespace strata::cli
