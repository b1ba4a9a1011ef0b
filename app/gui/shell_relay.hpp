// The plumbing between the console panel and a lesson's interactive shell.
// The shell itself (a pty inside the container) is made by the lesson
// through its backend; the GUI only hands it two pipe ends as the shell's
// "terminal" (engine::ShellIO) and relays bytes: typed lines go into one
// pipe, everything the shell writes comes back through the other and is
// kept as a transcript for the console view.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "app/gui/terminal_text.hpp"
#include "engine/error.hpp"
#include "engine/shell_io.hpp"

namespace strata::gui {

class ShellRelay {
public:
    using Wake = std::function<void()>;

    // Creates both pipes and starts the reader thread. `wake` is called
    // (from the reader) whenever the transcript grew.
    static engine::Result<std::unique_ptr<ShellRelay>> open(Wake wake);
    ~ShellRelay();  // closes every end and joins the reader
    ShellRelay(const ShellRelay&) = delete;
    ShellRelay& operator=(const ShellRelay&) = delete;

    // The ends the shell uses, for Session::run_interactive_shell.
    engine::ShellIO shell_side() const { return {shell_in_, shell_out_}; }
    // After the shell returned: closes the shell's ends, so the reader sees
    // end-of-file once the last output is drained.
    void close_shell_side();
    // After close_shell_side(): waits until the reader has drained the
    // shell's last output.
    void finish();

    // Sends bytes to the shell (a typed line with its '\n', or ^C / ^D).
    bool send(std::string_view bytes);
    // What the shell wrote so far, as plain text (see TerminalText).
    std::string transcript() const;
    // Waits until the transcript contains `text` (tests), at most `ms`.
    bool wait_for(const std::string& text, int ms) const;

private:
    ShellRelay() = default;
    void read_loop();

    // [0] = read end, [1] = write end; closed only by this class.
    int input_[2] = {-1, -1};   // GUI writes [1], shell reads [0]
    int output_[2] = {-1, -1};  // shell writes [1], GUI reads [0]
    int shell_in_ = -1, shell_out_ = -1;
    Wake wake_;
    mutable std::mutex mutex_;
    TerminalText terminal_;  // read_loop only
    std::string transcript_;
    std::thread reader_;
};

}  // namespace strata::gui
