// Runs a shell command line as the tests' user would type it and keeps
// what it printed: the CLI, compare and KVM suites run strata itself this
// way, each naming its binary and the redirections it wants.
#pragma once

#include <string>

namespace strata::tests {

struct ShellRun {
    int status = -1;     // the exit status, or -1 if it did not exit (a signal)
    std::string output;  // what reached the pipe: stdout, and stderr where the command sent it there
};

// popen(command), everything read, pclose; a pipe that cannot be opened
// fails the test (REQUIRE).
ShellRun run_shell(const std::string& command);

}  // namespace strata::tests
