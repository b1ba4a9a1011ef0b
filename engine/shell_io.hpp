// Where a lesson's interactive shell (Lesson::interactive_shell) reads and
// writes. The controlling terminal by default (`strata run ID --shell`); the
// GUI sets two pipe ends for the length of Session::run_interactive_shell,
// so its console panel is the shell's terminal and the window never makes
// the lesson's calls itself.
//
// Per thread on purpose: the shell runs on the thread that called
// run_interactive_shell (the GUI's worker), and a scope there cannot leak
// into the CLI or another session. Header-only, so adding it rebuilt
// nothing that includes engine/lesson.hpp.
#pragma once

namespace strata::engine {

struct ShellIO {
    int in_fd = 0;   // what the user types
    int out_fd = 1;  // what the shell prints
};

namespace detail {
inline thread_local ShellIO current_shell_io{};
}  // namespace detail

// The fds the interactive shell started on this thread should use.
inline ShellIO shell_io() { return detail::current_shell_io; }

// Sets this thread's shell fds until the scope ends.
class ShellIOScope {
public:
    explicit ShellIOScope(ShellIO io) : saved_(detail::current_shell_io) { detail::current_shell_io = io; }
    ~ShellIOScope() { detail::current_shell_io = saved_; }
    ShellIOScope(const ShellIOScope&) = delete;
    ShellIOScope& operator=(const ShellIOScope&) = delete;

private:
    ShellIO saved_;
};

}  // namespace strata::engine
