#include "app/gui/terminal_text.hpp"

namespace strata::gui {

namespace {

constexpr char kEscape = '\x1b';
constexpr char kBell = '\x07';

}  // namespace

void TerminalText::feed(std::string_view bytes, std::string& text) {
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        switch (state_) {
            case State::text:
                if (c == kEscape) state_ = State::escape;
                else if (c == '\b') { if (!text.empty() && text.back() != '\n') text.pop_back(); }
                else if (c == '\r' || c == kBell) {}
                else text.push_back(c);
                break;
            case State::escape:
                // ESC [ starts a control sequence, ESC ] an operating-system
                // command (a window title); anything else is a two-byte one.
                state_ = c == '[' ? State::csi : c == ']' ? State::osc : State::text;
                break;
            case State::csi:
                // Parameters and intermediates (0x20-0x3f) until the final byte.
                if (u >= 0x40 && u <= 0x7e) state_ = State::text;
                else if (u < 0x20 || u > 0x7e) state_ = State::text;  // malformed: give up on it
                break;
            case State::osc:
                if (c == kBell) state_ = State::text;
                else if (c == kEscape) state_ = State::osc_escape;
                break;
            case State::osc_escape:
                state_ = c == '\\' ? State::text : State::osc;
                break;
        }
    }
}

}  // namespace strata::gui
