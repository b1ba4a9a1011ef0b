// sweep_stale(): what a killed strata left behind. Lessons release
// everything on success, failure and cancel; a SIGKILLed strata cannot, but
// its children die with it (PR_SET_PDEATHSIG, PID namespaces), its mounts
// and network devices lived only in namespaces that died with them, and
// what remains — cgroup directories and temp dirs named strata-<pid>-... —
// is found here by the dead pid in the name and removed.
#pragma once

#include <string>
#include <vector>

namespace strata::linux {

struct SweepReport {
    std::vector<std::string> removed;  // "cgroup /sys/fs/cgroup/memory/strata-123-limits"
    std::vector<std::string> failed;   // with the reason
};

// Removes stale strata cgroups (v1 and v2) and temp dirs whose pid is no
// longer running. Call at start-up (the CLI does) and report `removed`.
SweepReport sweep_stale();

// The same with explicit places (for tests).
SweepReport sweep_stale_in(const std::string& cgroup_root, const std::string& temp_dir);

}  // namespace strata::linux
