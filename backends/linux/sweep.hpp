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

// Removes every cgroup called `name` (killing what is in it): where a peer
// runtime (crun, runc) made them for a container strata named, and a
// stopped run cut the peer short before it removed them itself.
SweepReport remove_cgroups_named(const std::string& name, const std::string& cgroup_root = "/sys/fs/cgroup");

// A peer runtime's container id, strata-<pid>-<purpose> like strata's own
// cgroups (so a SIGKILLed strata's are swept too); destroying it removes
// the cgroups the peer made under that name.
class PeerContainerId {
public:
    explicit PeerContainerId(const std::string& purpose);
    ~PeerContainerId();
    PeerContainerId(const PeerContainerId&) = delete;
    PeerContainerId& operator=(const PeerContainerId&) = delete;
    const std::string& id() const { return id_; }

private:
    std::string id_;
};

}  // namespace strata::linux
