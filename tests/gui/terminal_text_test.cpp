// What the console shows of a shell's terminal output: the text, never the
// control sequences a shell sends a real terminal.
#include <catch2/catch.hpp>

#include <string>

#include "app/gui/terminal_text.hpp"

using strata::gui::TerminalText;

namespace {

std::string shown(std::initializer_list<std::string_view> reads) {
    TerminalText terminal;
    std::string text;
    for (auto bytes : reads) terminal.feed(bytes, text);
    return text;
}

}  // namespace

TEST_CASE("The console drops terminal control sequences and keeps the text", "[gui][console]") {
    // BusyBox's prompt, as its line editor writes it to a pty.
    CHECK(shown({"container# \x1b[6n"}) == "container# ");
    CHECK(shown({"hostname\r\nvm\r\n"}) == "hostname\nvm\n");
    // Colours and clearing: gone, the words stay.
    CHECK(shown({"\x1b[1;34mbin\x1b[0m  \x1b[Jetc\x1b[K"}) == "bin  etc");
    // A window title (OSC), ended by BEL or by ESC backslash.
    CHECK(shown({"\x1b]0;root@box\x07$ "}) == "$ ");
    CHECK(shown({"\x1b]2;title\x1b\\$ "}) == "$ ");
    // Two-byte sequences (keypad mode) and a lone bell.
    CHECK(shown({"\x1b=a\x07" "b"}) == "ab");
}

TEST_CASE("A sequence split between two reads is still dropped", "[gui][console]") {
    CHECK(shown({"# \x1b", "[6n"}) == "# ");
    CHECK(shown({"# \x1b[", "1;3", "4mls"}) == "# ls");
    CHECK(shown({"\x1b]0;ti", "tle\x07", "ok"}) == "ok");
}

TEST_CASE("Backspace rubs out the character before it, never a previous line", "[gui][console]") {
    CHECK(shown({"lss\b \b"}) == "ls");
    CHECK(shown({"one\n\b\btwo"}) == "one\ntwo");
    CHECK(shown({"\b"}).empty());
}
