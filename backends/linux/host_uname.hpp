// strata's own uname(2), recorded: the answer straight from the host
// kernel, to compare with what a container's uname() returns.
#pragma once

#include <string>

#include "backends/linux/traced.hpp"

namespace strata::linux {

struct Uname {
    std::string sysname, release, nodename;
};

Result<Uname> host_uname(Recorder& recorder, std::vector<LayerId> layers);

// Parses the agent's "sysname release nodename" answer.
Uname parse_uname(const std::string& line);

}  // namespace strata::linux
