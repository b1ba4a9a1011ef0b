// The strata command line: `strata list|run|doctor|trace|bench|gui ...`.
#pragma once

namespace strata::cli {

// Exit codes, the same for every command (README "Exit codes").
enum ExitCode : int {
    exit_ok = 0,
    exit_failed = 1,       // a lesson step failed
    exit_usage = 2,        // bad command line, unknown lesson
    exit_requirement = 3,  // the machine lacks what the lesson needs
};

struct WindowCommands;

// `window`: the GUI's commands when strata is built with it (app/window).
int main(int argc, char** argv, const WindowCommands& window);
// The command line alone, without a window (the tests run it in-process).
int main(int argc, char** argv);

}  // namespace strata::cli
