// The inspectors: a tab per kind of fact the snapshot holds (values,
// registers, memory and disassembly, tables, series, console with the
// lesson's shell). Tabs without data are not shown.
#pragma once

#include <string>

#include "app/gui/command.hpp"
#include "app/gui/console_view.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/theme.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// Which tab is in front, kept between frames. The console gives way to
// the first tab with data while it has nothing to show; a lesson's
// `inspector:` tab comes to the front the first time it has data.
struct InspectorTabs {
    std::string lesson;  // the lesson `first` was read for
    std::string first;   // one of engine::inspector_tab_keys(); cleared once in front
    int first_tries = 0; // frames it was asked for and not yet in front
    std::string front;   // the tab in front this frame ("" when none)
};

// `previous` is the facts before the current step (for register changes).
// `show_console` brings the console tab to the front (a shell just opened).
Commands inspector_view(const engine::Snapshot* snapshot, const engine::Facts* previous, const FontSet& fonts,
                        const Palette& palette, const ShellState& shell, ConsoleViewState& console,
                        InspectorTabs& tabs, bool show_console = false);

}  // namespace strata::gui
