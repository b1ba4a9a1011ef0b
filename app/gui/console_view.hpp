// The console tab: what the guest or container wrote during the steps, and
// — when the lesson offers one (engine::Lesson::interactive_shell) — a shell
// inside what the lesson built, opened after the last step. The view only
// shows the Controller's ShellState and returns commands (start_shell,
// shell_input); the shell runs on the Controller's worker.
#pragma once

#include <cstddef>
#include <string>

#include "app/gui/command.hpp"
#include "app/gui/controller.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/theme.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

struct ConsoleViewState {
    std::string input;               // the line being typed
    std::size_t transcript_seen = 0; // scroll to the bottom when it grows
};

// The shell can be opened: the lesson offers one, runs live (a replay has
// nothing to enter) and every step is done.
bool shell_available(const engine::Snapshot& snapshot);

Commands console_view(const engine::Snapshot& snapshot, const ShellState& shell, const FontSet& fonts,
                      const Palette& palette, ConsoleViewState& state);

}  // namespace strata::gui
