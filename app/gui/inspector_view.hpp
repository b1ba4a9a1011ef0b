// The inspectors: a tab per kind of fact the snapshot holds (values,
// registers, memory and disassembly, tables, series, console with the
// lesson's shell). Tabs without data are not shown.
#pragma once

#include "app/gui/command.hpp"
#include "app/gui/console_view.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/theme.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// `previous` is the facts before the current step (for register changes).
// `show_console` brings the console tab to the front (a shell just opened).
Commands inspector_view(const engine::Snapshot* snapshot, const engine::Facts* previous, const FontSet& fonts,
                        const Palette& palette, const ShellState& shell, ConsoleViewState& console,
                        bool show_console = false);

}  // namespace strata::gui
