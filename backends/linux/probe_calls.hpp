// The few namespace, mount and cgroup calls `strata doctor` makes to find
// out what this machine allows. They live here because backends/linux is
// the only place that makes such calls. Each runs in a throwaway child
// process or cleans up after itself: probing changes nothing on the host.
#pragma once

#include <string>

#include "engine/error.hpp"

namespace strata::linux {

// Forks a child that drops to `uid` (when running as root and uid != 0)
// and calls unshare(CLONE_NEWUSER). Success means lessons can build
// containers rootless as that user.
engine::Result<void> probe_user_namespace(unsigned uid);

// In a child with its own mount namespace (through a user namespace when
// not root), mounts an overlayfs in a temporary directory.
engine::Result<void> probe_overlayfs();

// Creates and removes a cgroup named strata-probe-<pid> under `parent`.
engine::Result<void> probe_cgroup_create(const std::string& parent);

}  // namespace strata::linux
