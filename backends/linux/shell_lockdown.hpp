// What a container must be before strata hands a person a root shell in
// it: the rest of a runtime's isolation, applied to the lesson's container
// on top of what the lesson built (its user, mount and PID namespaces, the
// pivoted, sealed image):
//   1. a cgroup with limits (pids and memory), then namespaces of its own
//      for the host name, IPC, network and cgroups (rooted in that cgroup);
//   2. /proc as runc's default leaves it (read-only and masked paths);
//   3. Docker's default capability set, nothing else;
//   4. no_new_privs;
//   5. a seccomp profile that denies by default (seccomp_allowlist.hpp).
// Each is an agent call, recorded, in the order crun and runc apply them
// (capabilities before no_new_privs before seccomp: the filter is last, so
// it need not allow the calls that set up the rest).
#pragma once

#include <optional>

#include "backends/linux/agent.hpp"
#include "backends/linux/cgroup.hpp"

namespace strata::linux {

// Locks the agent's container down; the shell it starts next inherits all
// of it. The cgroup, when this user may make one (root, or delegated
// cgroup v2), is returned for the caller to keep while the shell runs;
// without one the limits are skipped, and a note says so.
Result<std::optional<Cgroup>> lock_down_for_shell(Agent& agent);

}  // namespace strata::linux
