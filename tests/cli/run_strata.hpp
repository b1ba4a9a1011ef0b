// Runs the strata binary as a user would, for the CLI tests. Every run gets
// XDG_STATE_HOME pointed at a scratch directory of this test process, so no
// test reads or writes the progress of whoever runs the suite.
#pragma once

#include <filesystem>
#include <string>

#include "tests/support/shell_run.hpp"

namespace strata::tests {

using Run = ShellRun;

// `args` is a shell fragment; stdin is /dev/null, stdout and stderr are
// both in the output.
Run run_strata(const std::string& args);
// The scratch XDG_STATE_HOME (created on first use, removed at exit).
const std::filesystem::path& scratch_state_home();
// Whether this machine has a usable /dev/kvm.
bool kvm_usable();

}  // namespace strata::tests
