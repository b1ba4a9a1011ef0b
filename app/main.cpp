// strata: the entry point. Parses the command line and hands over to the
// CLI command or the GUI; fatal exits happen only here.
#include <cstdio>
#include <exception>

#include "app/cli/cli.hpp"
#include "app/cli/stop_signals.hpp"
#include "app/cli/window_hook.hpp"
#ifdef STRATA_HAVE_GUI
#include "app/window/window_commands.hpp"
#endif

namespace {

// The window's commands when strata is built with it; the CLI alone else.
strata::cli::WindowCommands window_commands() {
#ifdef STRATA_HAVE_GUI
    return strata::gui::window_commands();
#else
    return {};
#endif
}

}  // namespace

int main(int argc, char** argv) {
    // 1. SIGINT, SIGTERM and SIGHUP become a stop request: the command
    //    unwinds and releases what it made instead of dying mid-step.
    strata::cli::install_stop_signals();
    // 2. The command (or the window).
    int code;
    try {
        code = strata::cli::main(argc, argv, window_commands());
    } catch (const std::exception& e) {
        // Nothing below main throws on purpose; this is a last resort that
        // still says what happened instead of aborting silently.
        std::fprintf(stderr, "strata: internal error: %s\n", e.what());
        code = 1;
    }
    // 3. Stopped by a signal: 128 + its number, whatever the command said.
    return strata::cli::exit_code_after_stop(code);
}
