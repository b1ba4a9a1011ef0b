// An interactive shell inside a container, on a pseudo-terminal: strata
// keeps the pty's master side and relays it to the user's terminal; the
// agent gives the slave side to a shell as its controlling terminal.
#pragma once

#include <string>
#include <vector>

#include "backends/linux/agent.hpp"

namespace strata::linux {

// Runs argv (e.g. {"/bin/sh"}) inside the agent's namespaces with a pty,
// relaying in_fd -> shell and shell -> out_fd until the shell exits. When
// in_fd is a terminal it is switched to raw mode and restored afterwards.
// Returns the shell's wait status.
Result<int> run_shell(Agent& agent, const std::vector<std::string>& argv, int in_fd = 0, int out_fd = 1);

}  // namespace strata::linux
