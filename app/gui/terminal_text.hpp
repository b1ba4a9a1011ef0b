// TerminalText: turns what a shell writes to its terminal into the plain
// text the console panel shows. The panel is a transcript, not a terminal
// emulator, so the control sequences a shell sends for a real terminal —
// BusyBox's line editor asks for the cursor position (ESC [ 6 n) after
// every prompt, and colours or clears with others — are dropped instead
// of showing up as "?[6n". Backspace erases the character before it (the
// "\b \b" a terminal is sent to rub one out), and the pty's '\r' goes.
//
// It keeps state between calls: a sequence may be split across two reads.
#pragma once

#include <string>
#include <string_view>

namespace strata::gui {

class TerminalText {
public:
    // Appends the printable part of `bytes` to `text`.
    void feed(std::string_view bytes, std::string& text);

private:
    enum class State { text, escape, csi, osc, osc_escape };
    State state_ = State::text;
};

}  // namespace strata::gui
