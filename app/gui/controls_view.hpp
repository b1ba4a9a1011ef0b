// Step controls: Step, Step back, Run to end, Restart, Auto-play with a
// speed, Cancel. Each has a keyboard shortcut, named in its tooltip. The
// view only returns commands; the controller carries them out.
#pragma once

#include "app/gui/command.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// Native key indices (io.KeysDown) for the letter and symbol shortcuts:
// ImGui 1.86 names only a few keys, and GLFW and SDL2 number the rest
// differently, so each platform fills this in.
struct KeyMap {
    int autoplay = -1;      // P
    int restart = -1;       // R (Home also works)
    int font_bigger = -1;   // '=' / '+', with Ctrl
    int font_bigger_keypad = -1;
    int font_smaller = -1;  // '-', with Ctrl
    int font_smaller_keypad = -1;
    // Demo mode's presenter keys (demo_keys.cpp).
    int blank = -1;       // B
    int fullscreen = -1;  // F
    int notes = -1;       // N
    int digits[10] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};  // '0'..'9' on the main row
};

struct ControlsInput {
    bool busy = false;          // a command is running
    bool autoplay = false;
    double autoplay_speed = 0.5;  // steps per second
};

// Buttons for `snapshot`'s session (none selected: all disabled) and the
// shortcuts pressed this frame (ignored while a text field has focus).
Commands controls_view(const engine::Snapshot* snapshot, const ControlsInput& input, const KeyMap& keys);
// Only the keyboard part, also used when the controls are scrolled away.
Commands shortcut_commands(const engine::Snapshot* snapshot, const ControlsInput& input, const KeyMap& keys);

}  // namespace strata::gui
