// Instructor demo mode: the window as a projector shows it. Full screen,
// large type, the high-contrast theme, the layer diagram first and biggest,
// a presenter clicker's keys, the narrative as speaker notes (an overlay
// column the presenter toggles with N), optional auto-advance for kiosk
// loops, and no modal dialogs: errors show inline on the diagram.
//
// This file is the pure part (settings, layout, keys), tested headless;
// demo_view.cpp draws it and app_shell carries out its commands.
#pragma once

#include <optional>

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include "app/gui/command.hpp"
#include "app/gui/controls_view.hpp"
#include "app/gui/settings.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// Where demo mode's parts go for a display size and text size. The
// diagram gets the largest area; the control bar is never overlapped, and
// at small sizes the caption and notes give way before the diagram does.
struct DemoLayout {
    ImRect bar;      // step controls and where we are, across the top
    ImRect diagram;  // the layer diagram
    ImRect caption;  // the current step's title, outcome or error, across the bottom
    ImRect notes;    // speaker notes, right of the diagram (empty when hidden)
    float outcome_room = 0;  // the caption's height below the title, for the outcome
};
// `outcome_height`, `title_height`: the pixels the current step's outcome
// and title take across the whole width (0, or two lines' and one line's
// worth or less: the usual caption).
DemoLayout demo_layout(ImVec2 display, float font_size, bool notes, float outcome_height = 0, float title_height = 0);

// What the presenter's keys ask for this frame (ignored while a text field
// has focus). Right / PageDown / Space next step, Left / PageUp step back,
// Home restart, 1..9 and 0 (= 10) jump to that step, B blank, F full screen,
// N notes, + / - text size, Esc cancels a running step, else leaves demo mode.
struct DemoKeysInput {
    bool busy = false;
    bool blank = false;  // while blank, only B (and Esc) act
};
Commands demo_keys(const engine::Snapshot* snapshot, const DemoKeysInput& input, const KeyMap& keys);

// Auto-advance (kiosk loops): given the seconds between steps and how long
// the session has been idle, the command due now (a step, or a restart
// after the last or a failed step), or none. `wake_in` says when to look again.
std::optional<Command> auto_advance_due(const engine::Snapshot* snapshot, double delay_seconds, double idle_for,
                                        double& wake_in);

}  // namespace strata::gui
