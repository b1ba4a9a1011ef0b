// `strata bench ...` run as a user runs it, for the compare suite's tests.
#pragma once

#include <string>

#include "tests/support/shell_run.hpp"

namespace strata::tests {

// Runs `strata ARGS` with stdin from /dev/null. The output is stdout (the
// JSON); stderr is kept apart and attached to a failure (UNSCOPED_INFO), so
// a bench that stopped early says why.
ShellRun strata_bench(const std::string& args);

}  // namespace strata::tests
